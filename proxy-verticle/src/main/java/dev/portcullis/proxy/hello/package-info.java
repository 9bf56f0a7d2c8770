/** Reading the TLS ClientHello without consuming it: SNI, ALPN and ECH, for decisions and interception. */
package dev.portcullis.proxy.hello;
