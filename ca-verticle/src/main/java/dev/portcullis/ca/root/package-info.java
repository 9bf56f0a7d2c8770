/** The CA itself: loading it from PEM or PKCS#12, first-start generation into the data directory, change detection. */
package dev.portcullis.ca.root;
