/** The admin HTTP API every node serves: health, readiness, policy dry-runs and the cluster's members. */
package dev.portcullis.node.admin;
