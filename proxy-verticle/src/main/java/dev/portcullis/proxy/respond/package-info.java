/** The one place where a failure becomes an HTTP status, a Proxy-Status header and a reason. */
package dev.portcullis.proxy.respond;
