/** Node configuration: built-in defaults, the YAML file, environment overrides, and validation with named messages. */
package dev.portcullis.node.config;
