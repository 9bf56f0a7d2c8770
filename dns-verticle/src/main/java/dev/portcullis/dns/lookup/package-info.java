/** What a resolution produces, independent of where it came from: results, answers and the {@code Lookup} seam. */
package dev.portcullis.dns.lookup;
