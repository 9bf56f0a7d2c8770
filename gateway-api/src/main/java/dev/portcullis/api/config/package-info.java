/** Readers for configuration values every role shares (durations), so all roles accept the same spellings. */
package dev.portcullis.api.config;
