/**
 * Decrypt inspection (README, "Decrypt inspection"): verified TLS to the server first, a minted leaf for the
 * client, HTTP/1.1 or HTTP/2 (as the server chose by ALPN) inspected between.
 */
package dev.portcullis.proxy.intercept;
