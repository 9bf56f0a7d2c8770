/** The reverse listeners end to end: real clients, real TLS, backends on loopback, an in-JVM cluster. */
package dev.portcullis.node.reverse;
