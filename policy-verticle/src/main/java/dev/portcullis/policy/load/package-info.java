/** Loading the policy file from disk and noticing when it changes, off the event loop. */
package dev.portcullis.policy.load;
