/** End-to-end tests of the transparent listener: redirected workloads in network namespaces, names must agree. */
package dev.portcullis.node.transparent;
