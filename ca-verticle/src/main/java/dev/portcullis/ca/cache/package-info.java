/** The issuance cache: one signing per (CA, names, public key), concurrent requests coalesced, counted. */
package dev.portcullis.ca.cache;
