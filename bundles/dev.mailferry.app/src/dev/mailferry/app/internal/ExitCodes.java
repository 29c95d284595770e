package dev.mailferry.app.internal;

/** Exit codes of the mailferry command, for scripts. Listed in {@code mailferry --help}. */
final class ExitCodes {

    /** Everything worked. */
    static final int OK = 0;
    /** Done, with problems: failed mailboxes in a batch, rejected CSV rows (the good rows were imported). */
    static final int PARTIAL = 1;
    /** Wrong command line. */
    static final int USAGE = 2;
    /** The project, its settings or a file is missing or invalid. */
    static final int CONFIGURATION = 3;
    /** A server could not be reached or refused the login (test connection, demo servers). */
    static final int CONNECTION = 4;
    /** Stopped by the user (Ctrl-C); the next run resumes. */
    static final int INTERRUPTED = 130;

    static final String HELP_FOOTER = "%nExit codes: 0 ok, 1 done with problems (failed mailboxes, rejected CSV rows), "
            + "2 usage error, 3 project or settings error, 4 connection or login failed, 130 interrupted.";

    private ExitCodes() {
    }
}
