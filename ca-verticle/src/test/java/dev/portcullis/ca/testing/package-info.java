/** Test fixtures: certificates and keys made on the spot, files for the CA sources, a log capture, bus helpers. */
package dev.portcullis.ca.testing;
