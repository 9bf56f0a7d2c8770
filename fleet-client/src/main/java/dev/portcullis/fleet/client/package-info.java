/** Joining a Portcullis fleet from a JVM service: a Hazelcast lite member with the fleet's event-bus TLS. */
package dev.portcullis.fleet.client;
