/** The dns role's contract: resolution requests and replies, and {@link dev.portcullis.api.dns.ResolveClient}. */
package dev.portcullis.api.dns;
