/** The names the dns role recently answered to each workload, by address, for naming nameless connections. */
package dev.portcullis.dns.recent;
