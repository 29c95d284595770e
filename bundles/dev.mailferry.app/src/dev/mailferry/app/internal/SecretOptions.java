package dev.mailferry.app.internal;

import dev.mailferry.core.secret.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Ways to hand over a password without putting it on the command line (where {@code ps} and shell history show it):
 * typed at a prompt, read from an environment variable, or from the first line of a file.
 */
final class SecretOptions {

    @Option(names = "--password", interactive = true, arity = "0", paramLabel = "PASSWORD",
            description = "Ask for the password on the terminal.")
    char[] prompted;

    @Option(names = "--password-env", paramLabel = "VARIABLE", description = "Read the password from this environment variable.")
    String environmentVariable;

    @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from the first line of this file.")
    Path file;

    /** The password given, or empty when none of the options was used. */
    Secret secret() {
        if (prompted != null) {
            return Secret.of(prompted);
        }
        if (environmentVariable != null) {
            String value = System.getenv(environmentVariable);
            if (value == null) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, "environment variable " + environmentVariable + " is not set");
            }
            return Secret.of(value);
        }
        if (file != null) {
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                int end = text.indexOf('\n');
                return Secret.of((end < 0 ? text : text.substring(0, end)).replace("\r", ""));
            } catch (IOException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, "cannot read password file " + file + ": " + e.getMessage());
            }
        }
        return Secret.empty();
    }
}
