/** Stage 5: open the upstream TCP connection, trying the allowed addresses in order. */
package dev.portcullis.proxy.dial;
