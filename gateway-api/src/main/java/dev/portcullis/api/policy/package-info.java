/** The policy role's contract: decision requests and replies, change notices, and {@link dev.portcullis.api.policy.PolicyClient}. */
package dev.portcullis.api.policy;
