#!/usr/bin/env python3
"""Ask the Portcullis policy over the policy bridge (docs/policy-clients.md). Standard library only.

The bridge speaks the Vert.x TCP event-bus bridge protocol over mutual TLS: each frame is a 4-byte big-endian
length followed by that many bytes of UTF-8 JSON. A request is

    {"type": "send", "address": "portcullis.policy.decide.v1", "replyAddress": "<any id>",
     "headers": {}, "body": <DecideRequest>}

and its answer a frame {"type": "message", "address": "<that id>", "body": <Decision>}, or
{"type": "err", ...} when the bridge refuses the frame or the policy role does not answer.

Usage as a library:

    with PolicyBridgeClient("127.0.0.1", 7000, ca_file="bridge-ca.pem",
                            cert_file="client.pem", key_file="client.key") as bridge:
        decision = bridge.decide("github.com", 443, client="10.1.2.3")
        print(decision["verdict"], decision["rule"])

Usage from the command line (prints the answer frame as JSON; exit 0 for a message, 1 for an err frame,
3 when TLS fails, e.g. the bridge refuses the client's certificate):

    portcullis_policy.py --host 127.0.0.1 --port 7000 --ca bridge-ca.pem --cert client.pem --key client.key \\
        decide github.com 443 --client 10.1.2.3
    portcullis_policy.py ... frame '{"type": "send", "address": "portcullis.ca.sign.v1", ...}'
"""

import argparse
import json
import socket
import ssl
import struct
import sys
import uuid

DECIDE_ADDRESS = "portcullis.policy.decide.v1"
# Larger frames are refused on read: a decision is a few hundred bytes.
MAX_FRAME = 1 << 20


class BridgeError(Exception):
    """The bridge answered with an err frame (refused address or type, or no policy role answering)."""

    def __init__(self, frame):
        super().__init__(frame.get("message", "err frame"))
        self.frame = frame


class PolicyBridgeClient:
    """One mutual-TLS connection to a policy bridge. Not thread-safe: one request at a time."""

    def __init__(self, host, port, ca_file, cert_file=None, key_file=None, timeout=5.0):
        context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_file)
        if cert_file:
            context.load_cert_chain(cert_file, key_file)
        raw = socket.create_connection((host, port), timeout=timeout)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            # The bridge's certificate must name the host dialled (an IP literal is matched against IP SANs).
            self.sock = context.wrap_socket(raw, server_hostname=host)
        except BaseException:
            raw.close()
            raise

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send_frame(self, frame):
        data = json.dumps(frame).encode("utf-8")
        self.sock.sendall(struct.pack(">I", len(data)) + data)

    def read_frame(self):
        (length,) = struct.unpack(">I", self._read_exactly(4))
        if length > MAX_FRAME:
            raise ValueError("frame of %d bytes is larger than %d" % (length, MAX_FRAME))
        return json.loads(self._read_exactly(length).decode("utf-8"))

    def request(self, frame):
        """Sends one frame and returns the next frame the bridge sends back (its answer)."""
        self.send_frame(frame)
        return self.read_frame()

    def decide(self, host, port, client, listener="python-client", mode="explicit", protocol="tcp", sni=None):
        """Asks for a decision; returns the Decision JSON or raises BridgeError."""
        body = {"host": host, "port": port, "client": client, "listener": listener,
                "mode": mode, "protocol": protocol}
        if sni is not None:
            body["sni"] = sni
        reply = self.request({"type": "send", "address": DECIDE_ADDRESS, "replyAddress": str(uuid.uuid4()),
                              "headers": {}, "body": body})
        if reply.get("type") != "message":
            raise BridgeError(reply)
        return reply["body"]

    def _read_exactly(self, n):
        chunks = []
        while n > 0:
            chunk = self.sock.recv(n)
            if not chunk:
                raise ConnectionError("bridge closed the connection")
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)


def main(argv):
    parser = argparse.ArgumentParser(description="Ask the Portcullis policy over the policy bridge.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7000)
    parser.add_argument("--ca", required=True, help="CA file that signed the bridge's certificate (PEM)")
    parser.add_argument("--cert", help="this client's certificate (PEM), from the bridge's client CA")
    parser.add_argument("--key", help="its private key (PEM)")
    commands = parser.add_subparsers(dest="command", required=True)
    decide = commands.add_parser("decide", help="ask for a decision")
    decide.add_argument("name")
    decide.add_argument("dport", type=int)
    decide.add_argument("--client", default="127.0.0.1", help="the workload's address the question is about")
    frame = commands.add_parser("frame", help="send one raw JSON frame and print the answer")
    frame.add_argument("json")
    args = parser.parse_args(argv)

    try:
        with PolicyBridgeClient(args.host, args.port, args.ca, args.cert, args.key) as bridge:
            if args.command == "decide":
                reply = bridge.request({"type": "send", "address": DECIDE_ADDRESS,
                                        "replyAddress": str(uuid.uuid4()), "headers": {},
                                        "body": {"host": args.name, "port": args.dport, "client": args.client,
                                                 "listener": "python-client", "mode": "explicit",
                                                 "protocol": "tcp"}})
            else:
                reply = bridge.request(json.loads(args.json))
    except (ssl.SSLError, ConnectionError) as e:
        # With TLS 1.3 a refused client certificate shows on the first read, not in the handshake call: the
        # server's alert (certificate_required, unknown_ca, ...) arrives after the client's Finished
        # (RFC 8446 §4.4.2.4).
        print(json.dumps({"error": "tls", "detail": str(e)}))
        return 3
    print(json.dumps(reply, sort_keys=True))
    return 0 if reply.get("type") == "message" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
