/** The end of every connection: exactly one structured access record, to a file and the log. */
package dev.portcullis.proxy.access;
