package dev.portcullis.proxy.splice;

/**
 * How a splice ended.
 *
 * @param bytesUp   bytes relayed from the client to the upstream (not counting bytes written before the splice)
 * @param bytesDown bytes relayed from the upstream to the client
 * @param close     who or what ended it: "client", "upstream", "idle-timeout", or "error: ..."
 */
public record SpliceResult(long bytesUp, long bytesDown, String close) {
}
