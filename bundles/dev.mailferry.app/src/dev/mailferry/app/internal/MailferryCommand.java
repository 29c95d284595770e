package dev.mailferry.app.internal;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code mailferry} command. */
@Command(name = "mailferry", mixinStandardHelpOptions = true, version = "Mailferry 0.1.0",
        description = { "Migrates whole mailboxes from IMAP servers into Office 365 or another IMAP server.", "",
                "Typical run: project create, source set, target set, mailboxes import, batch create, batch start",
                "(again for incremental syncs), batch complete after the MX change. Try: mailferry demo" },
        footer = ExitCodes.HELP_FOOTER,
        subcommands = { CommandLine.HelpCommand.class, ProjectCommand.class, EndpointCommand.Source.class,
                EndpointCommand.Target.class, MailboxesCommand.class, BatchCommand.class, DemoCommand.class })
public final class MailferryCommand implements Runnable {

    static final Services SERVICES = new Services();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static int run(String[] args) {
        CommandLine commandLine = new CommandLine(new MailferryCommand());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CommandFailure failure) {
                cmd.getErr().println(cmd.getCommandName() + ": " + failure.getMessage());
                return failure.exitCode();
            }
            // an unexpected error: say what and where, without a stack trace for the user; the message never holds secrets
            cmd.getErr().println(cmd.getCommandName() + ": unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
            if (Boolean.getBoolean("mailferry.debug")) {
                e.printStackTrace(cmd.getErr());
            }
            return ExitCodes.CONFIGURATION;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
