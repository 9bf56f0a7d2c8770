/**
 * Transparent listeners: redirected connections decided on their ClientHello's SNI or HTTP Host, or named by
 * their original destination (README, "What happens to one connection (transparent listener)").
 */
package dev.portcullis.proxy.transparent;
