/** The policy bridge: a TLS TCP event-bus bridge that forwards policy decisions only (docs/policy-clients.md). */
package dev.portcullis.node.bridge;
