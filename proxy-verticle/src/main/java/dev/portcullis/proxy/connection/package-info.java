/**
 * The client side of one connection on any listener: its socket, record, timers, refusal and close, owned in one
 * place so every path ends the same way.
 */
package dev.portcullis.proxy.connection;
