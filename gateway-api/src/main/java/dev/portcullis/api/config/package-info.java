/**
 * Configuration reading every role shares: a {@link dev.portcullis.api.config.ConfigSchema} per section that
 * refuses unknown keys and wrong types with the dotted key, the environment variable of every key, and durations.
 */
package dev.portcullis.api.config;
