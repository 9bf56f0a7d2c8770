/** Transparent listeners: redirected connections decided on their ClientHello's SNI or HTTP Host, DESIGN §3. */
package dev.portcullis.proxy.transparent;
