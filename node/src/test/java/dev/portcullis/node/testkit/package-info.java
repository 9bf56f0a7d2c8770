/** Shared test fixtures: a test CA, TLS origins, in-JVM clusters, the real curl binary and free ports. */
package dev.portcullis.node.testkit;
