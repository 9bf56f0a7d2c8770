/** End-to-end tests of the explicit proxy through a real clustered node: hostile input, server-first TCP. */
package dev.portcullis.node.explicit;
