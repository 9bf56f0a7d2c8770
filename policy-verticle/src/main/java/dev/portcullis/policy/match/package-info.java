/** The compiled policy: a pure decider from {@code DecideRequest} to {@code Decision}, built once per version. */
package dev.portcullis.policy.match;
