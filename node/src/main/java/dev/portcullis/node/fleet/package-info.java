/**
 * The fleet's own credentials for the clustered event bus: mutual TLS between fleet members only, with a
 * dedicated fleet CA (never the root that signs workloads' leaves). See docs/fleet-security.md.
 */
package dev.portcullis.node.fleet;
