package dev.portcullis.proxy.hello;

import dev.portcullis.proxy.respond.TlsAlert;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;

import java.util.function.Consumer;

/** What to do with a connection once its ClientHello has been read and decided on. */
public sealed interface PeekOutcome {

    /**
     * Terminate the client's TLS with {@code context}; the buffered ClientHello goes into the new SslHandler.
     *
     * @param afterTls adds the handlers that read the decrypted stream, after the handler named {@code "ssl"}
     */
    record Terminate(SslContext context, Consumer<ChannelPipeline> afterTls) implements PeekOutcome {
    }

    /** Let the bytes through untouched: the buffered ClientHello goes to the next handler (the relay). */
    record Pass() implements PeekOutcome {
    }

    /**
     * Refuse with a fatal TLS alert (RFC 8446 §6) and close.
     *
     * @param alert  the alert description, e.g. {@link TlsAlert#HANDSHAKE_FAILURE}
     * @param reason for the log and the access record
     */
    record Refuse(int alert, String reason) implements PeekOutcome {
    }
}
