/** The proxy's meters that are not counted from access records: stage latencies, open connections, rule tags. */
package dev.portcullis.proxy.metrics;
