/** Asking the gateway's own DNS resolvers, with Netty: one question per record type, failover, CNAME chains. */
package dev.portcullis.dns.upstream;
