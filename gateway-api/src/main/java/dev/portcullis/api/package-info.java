/** Contracts between Portcullis roles: event-bus addresses, message records, error codes and the clients. */
package dev.portcullis.api;
