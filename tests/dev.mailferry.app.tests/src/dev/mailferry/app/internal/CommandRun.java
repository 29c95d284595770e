package dev.mailferry.app.internal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One run of the mailferry command inside the test's JVM, as a user would type it, with what it printed. */
record CommandRun(int exitCode, String out, String err) {

    /** Everything the run said, for assertion messages. */
    String all() {
        return "exit " + exitCode + "\n" + out + err;
    }

    /** Runs {@code mailferry args...}; one run at a time, since standard output and error are the JVM's own. */
    static synchronized CommandRun mailferry(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = MailferryCommand.run(args);
            return new CommandRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
