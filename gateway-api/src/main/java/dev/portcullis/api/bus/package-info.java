/** Event-bus plumbing shared by every role: addresses, error codes and the typed failure they travel as. */
package dev.portcullis.api.bus;
