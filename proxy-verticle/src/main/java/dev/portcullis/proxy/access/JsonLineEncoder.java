package dev.portcullis.proxy.access;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;

import java.nio.charset.StandardCharsets;

/**
 * Writes an access record as it is: the event's message, already one JSON object ({@link AccessRecord#finish}
 * encoded by {@code JsonObject}), then {@code \n}. Nothing is added, so each line of the file is the record with its
 * own fields at the top level, what {@code jq}, Vector or Fluent Bit read without a second parse.
 *
 * <p>Not logback's {@code JsonEncoder}: it writes its own object ({@code sequenceNumber}, {@code timestamp},
 * {@code level}, ...) with the message as one escaped string field, so the record's fields would sit one parse
 * deeper, in a string. Structured arguments (logstash-logback-encoder) would flatten them, but at the price of a
 * dependency and a second serialisation of a record that is JSON already. {@code JsonObject.encode()} escapes
 * control characters, so a record never spans two lines whatever a client put in its request.
 */
final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

    private static final byte[] NONE = new byte[0];

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        // getMessage(), not getFormattedMessage(): a record with "{}" in a path is not a format string.
        return (event.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }
}
