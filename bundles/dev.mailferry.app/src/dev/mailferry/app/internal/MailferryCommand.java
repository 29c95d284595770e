package dev.mailferry.app.internal;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code mailferry} command. */
@Command(name = "mailferry", mixinStandardHelpOptions = true, version = "Mailferry 0.1.0",
        description = "Migrates whole mailboxes from IMAP servers into Office 365 or another IMAP server.",
        subcommands = { CommandLine.HelpCommand.class })
public final class MailferryCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static int run(String[] args) {
        return new CommandLine(new MailferryCommand()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
