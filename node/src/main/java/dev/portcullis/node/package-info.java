/** The launcher: command line, start-up and shutdown of one node, and the running {@link dev.portcullis.node.Node}. */
package dev.portcullis.node;
