/** Stage 3: turn the destination name into addresses with the gateway's own dns role, never the client's. */
package dev.portcullis.proxy.resolve;
