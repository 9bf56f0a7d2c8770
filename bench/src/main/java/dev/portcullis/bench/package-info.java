/** A command-line benchmark of CONNECT proxies on loopback: tunnel rate, latency, bulk throughput, proxy CPU. */
package dev.portcullis.bench;
