/** Logging glue for logback: filters for known, harmless noise of the libraries the node runs on. */
package dev.portcullis.node.logging;
