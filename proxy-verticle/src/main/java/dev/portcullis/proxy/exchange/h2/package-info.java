/**
 * HTTP/2 under decryption (RFC 9113): Netty's frame codecs with the gateway's defences, and the upstream streams
 * each allowed request goes on. Every stream is one {@link dev.portcullis.proxy.exchange.HttpExchange} of one
 * request; no frame is parsed here.
 */
package dev.portcullis.proxy.exchange.h2;
