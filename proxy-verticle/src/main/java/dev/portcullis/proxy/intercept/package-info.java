/** Decrypt inspection (DESIGN §3 step 6): verified TLS to the server first, a minted leaf for the client, HTTP/1.1 inspected between. */
package dev.portcullis.proxy.intercept;
