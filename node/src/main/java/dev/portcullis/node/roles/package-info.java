/** Which roles run on a node, how many instances each, and deploying their verticles. */
package dev.portcullis.node.roles;
