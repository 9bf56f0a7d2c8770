/** The dns role: {@link dev.portcullis.dns.DnsVerticle}, its options, and the bus handlers that answer resolutions. */
package dev.portcullis.dns;
