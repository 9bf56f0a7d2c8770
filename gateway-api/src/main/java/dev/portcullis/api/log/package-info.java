/** Logging helpers shared by the roles. */
package dev.portcullis.api.log;
