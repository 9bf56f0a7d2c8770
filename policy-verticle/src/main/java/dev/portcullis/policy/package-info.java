/** The policy role: {@link dev.portcullis.policy.PolicyVerticle} answers decisions on the bus and hot-reloads. */
package dev.portcullis.policy;
