/** Tests that read the deployment files in deploy/ (Kubernetes, Dockerfile, systemd) against the node's own code. */
package dev.portcullis.node.deploy;
