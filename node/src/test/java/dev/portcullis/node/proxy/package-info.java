/** The explicit proxy end to end across an in-JVM cluster, driven by the real curl. */
package dev.portcullis.node.proxy;
