/** The dns role as the workloads' DNS server (UDP and TCP), answering from the gateway's own resolution. */
package dev.portcullis.dns.serve;
