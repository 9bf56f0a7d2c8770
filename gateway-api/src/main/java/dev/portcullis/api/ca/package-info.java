/** The ca role's contract: leaf issuance for public keys made on proxy nodes, the root, change notices. */
package dev.portcullis.api.ca;
