/** Stage 1 of a connection: read the client's request head within limits and make sense of its target. */
package dev.portcullis.proxy.request;
