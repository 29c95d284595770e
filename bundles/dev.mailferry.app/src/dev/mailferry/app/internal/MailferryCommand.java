package dev.mailferry.app.internal;

import dev.mailferry.core.secret.UnsafeSecretStoreException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code mailferry} command. */
@Command(name = "mailferry", mixinStandardHelpOptions = true, version = "Mailferry 0.1.0",
        description = { "Migrates whole mailboxes from IMAP servers into Office 365 or another IMAP server.", "",
                "Typical run: project create, source set, target set, mailboxes import, batch create, batch start",
                "(again for incremental syncs), mx watch, batch complete after the MX change. Try: mailferry demo" },
        footer = ExitCodes.HELP_FOOTER)
public final class MailferryCommand implements Callable<Integer> {

    /** The subcommands, in the order of the help. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(CommandLine.HelpCommand.class, ProjectCommand.class,
            EndpointCommand.Source.class, EndpointCommand.Target.class, MailboxesCommand.class, BatchCommand.class,
            MxCommand.class, DemoCommand.class);

    static final Services SERVICES = new Services();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static int run(String[] args) {
        CommandLine commandLine = new CommandLine(new MailferryCommand());
        // Picocli reads all annotations of a command tree when it is built, a cost every start would pay for the other
        // commands: only the command being run is added, unless the arguments call for the list of all (help, no or
        // an unknown command). Added before the handler below, which only reaches the subcommands present when set.
        Class<?> invoked = args.length == 0 ? null : subcommandNamed(args[0]);
        if (invoked == null || invoked == CommandLine.HelpCommand.class) {
            SUBCOMMANDS.forEach(commandLine::addSubcommand);
        } else {
            commandLine.addSubcommand(invoked);
        }
        // picocli lets --help win over arguments it does not know ("mailferry frobnicate --help" printed the main help
        // and exited 0): an unknown command or argument is a usage error, help asked for or not.
        commandLine.setExecutionStrategy(parsed -> {
            for (CommandLine.ParseResult level = parsed; level != null; level = level.subcommand()) {
                if (!level.unmatched().isEmpty()) {
                    throw new CommandLine.UnmatchedArgumentException(level.commandSpec().commandLine(), level.unmatched());
                }
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CommandFailure failure) {
                cmd.getErr().println(cmd.getCommandName() + ": " + failure.getMessage());
                return failure.exitCode();
            }
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof UnsafeSecretStoreException unsafe) { // a settings error the user has to fix
                    cmd.getErr().println(cmd.getCommandName() + ": " + unsafe.getMessage());
                    return ExitCodes.CONFIGURATION;
                }
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

    private static Class<?> subcommandNamed(String name) {
        for (Class<?> subcommand : SUBCOMMANDS) {
            Command command = subcommand.getAnnotation(Command.class);
            if (command.name().equals(name) || List.of(command.aliases()).contains(name)) {
                return subcommand;
            }
        }
        return null;
    }

    /** {@code mailferry} without a command: a usage error, like any command line that does not say what to do. */
    @Override
    public Integer call() {
        CommandLine commandLine = spec.commandLine();
        commandLine.getErr().println("mailferry: no command given");
        commandLine.usage(commandLine.getErr());
        return ExitCodes.USAGE;
    }
}
