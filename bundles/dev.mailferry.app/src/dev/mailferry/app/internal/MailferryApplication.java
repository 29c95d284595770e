package dev.mailferry.app.internal;

import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;

/**
 * The headless {@code mailferry} command as an Equinox application: hands the command-line arguments to picocli and
 * returns its exit code, which the launcher passes on to the shell.
 */
public final class MailferryApplication implements IApplication {

    @Override
    public Object start(IApplicationContext context) {
        String[] args = (String[]) context.getArguments().get(IApplicationContext.APPLICATION_ARGS);
        context.applicationRunning();
        return Integer.valueOf(MailferryCommand.run(args == null ? new String[0] : args));
    }

    @Override
    public void stop() {
        // commands end on their own; a running batch is interrupted by the JVM shutdown and resumes next time
    }
}
