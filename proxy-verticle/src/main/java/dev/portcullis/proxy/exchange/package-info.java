/**
 * HTTP exchanges relayed through Netty's codecs, one request at a time: each request routed (decided) before a
 * byte of it goes upstream, answered locally when refused, its response relayed back with back-pressure.
 */
package dev.portcullis.proxy.exchange;
