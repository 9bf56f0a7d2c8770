/** End-to-end tests of decrypt inspection through a clustered node with the ca role. */
package dev.portcullis.node.intercept;
