package dev.portcullis.node.cli;

import dev.portcullis.node.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

import java.io.UncheckedIOException;

/**
 * A configuration a command cannot use: {@code portcullis: invalid configuration: <origin>: <key>: <reason>},
 * exit 2. Anything else is a bug and goes to picocli's default (stack trace, exit 1).
 */
final class ConfigErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) throws Exception {
        // UncheckedIOException: the sample policy could not be written where the configuration says.
        if (e instanceof ConfigException || e instanceof UncheckedIOException) {
            command.getErr().println("portcullis: invalid configuration: " + e.getMessage());
            command.getErr().flush();
            return PortcullisCommand.EXIT_INVALID;
        }
        throw e;
    }
}
