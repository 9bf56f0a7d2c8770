/**
 * Stages 2-5 as one: decide, gate a readable plain-HTTP request by its rule's {@code http} entries, resolve with
 * the gateway's own DNS, guard, dial. Every listener admits through here, so no listener can skip a step.
 */
package dev.portcullis.proxy.admit;
