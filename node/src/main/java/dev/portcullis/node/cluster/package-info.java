/** Joining the cluster: Hazelcast configuration, the clustered Vert.x instance, and the registry of members' roles. */
package dev.portcullis.node.cluster;
