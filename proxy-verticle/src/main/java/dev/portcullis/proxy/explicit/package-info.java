/**
 * The explicit listener: {@code CONNECT host:port} and absolute-form {@code http://} requests (README, "What
 * happens to one connection (explicit proxy)").
 */
package dev.portcullis.proxy.explicit;
