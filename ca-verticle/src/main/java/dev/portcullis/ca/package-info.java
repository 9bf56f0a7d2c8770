/** The ca role: {@link dev.portcullis.ca.CaVerticle} signs leaves for proxies and serves the root over the bus. */
package dev.portcullis.ca;
