/**
 * The launcher's command line on picocli: the root command that starts a node, the one-shot subcommands
 * ({@code check}, {@code export-ca}, {@code init-fleet}) and the configuration options they share.
 */
package dev.portcullis.node.cli;
