/**
 * After the {@code 200} of a CONNECT tunnel: the server's bytes flow at once, the client's first bytes are held
 * and checked (names must agree, ECH, not TLS), then spliced or handed to decrypt inspection.
 */
package dev.portcullis.proxy.tunnel;
