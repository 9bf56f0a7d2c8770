/** Host-name normalisation: the one place that decides what a destination name is and whether it is valid. */
package dev.portcullis.api.host;
