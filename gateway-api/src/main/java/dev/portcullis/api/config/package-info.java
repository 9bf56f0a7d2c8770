/**
 * Configuration reading every role shares: a {@link dev.portcullis.api.config.ConfigSchema} per section that
 * refuses unknown keys and wrong types with the dotted key, the environment variable of every key, and durations.
 *
 * <p>Written here rather than taken from jackson-databind: the registry this project builds from serves databind
 * only from 2.21, while Vert.x 5.0.10 pins jackson-core 2.18, and mixed Jackson versions break at run time. The
 * one declaration per section also names the environment variables, which a binding library would not.
 */
package dev.portcullis.api.config;
