/** Leaf issuance: checking the proxy's public key, the validity window, building and signing the leaf. */
package dev.portcullis.ca.issue;
