/** Static name → address overrides from configuration, answered before any resolver is asked. */
package dev.portcullis.dns.overrides;
