/** The explicit listener: {@code CONNECT host:port} and absolute-form {@code http://} requests, DESIGN §3. */
package dev.portcullis.proxy.explicit;
