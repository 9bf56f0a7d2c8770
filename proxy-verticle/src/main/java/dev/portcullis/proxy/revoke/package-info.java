/**
 * {@code proxy.revoke-on-change}: a new policy version is asked again about the connections the old one admitted,
 * and those it denies are closed with reason {@code revoked} (README, "Policy reference").
 */
package dev.portcullis.proxy.revoke;
