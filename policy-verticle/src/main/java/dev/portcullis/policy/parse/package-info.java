/** Reading the policy YAML into the model, with every error reported as {@code file:line: reason}. */
package dev.portcullis.policy.parse;
