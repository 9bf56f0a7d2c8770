/** Fleet tests: nodes as separate JVM processes started from the built jar. */
package dev.portcullis.node.fleet;
