package dev.portcullis.dns.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/** Encodes record data the way it travels on the wire, for fixtures that build responses by hand. */
public final class DnsWire {

    private DnsWire() {
    }

    /** A domain name as uncompressed labels (RFC 1035 §3.1), the data of a CNAME record. */
    public static ByteBuf name(String name) {
        ByteBuf out = Unpooled.buffer();
        for (String label : name.split("\\.")) {
            if (!label.isEmpty()) {
                byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
                out.writeByte(bytes.length).writeBytes(bytes);
            }
        }
        return out.writeByte(0);
    }
}
