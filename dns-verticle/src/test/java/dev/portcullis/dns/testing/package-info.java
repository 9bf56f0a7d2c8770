/** Test fixtures: a programmable DNS server on loopback and helpers to deploy the dns role against it. */
package dev.portcullis.dns.testing;
