/** The policy as written in the file, validated and immutable: rules, host patterns, port ranges, actions. */
package dev.portcullis.policy.model;
