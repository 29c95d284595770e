package dev.mailferry.ui.internal;

import dev.mailferry.engine.BatchInfo;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import dev.mailferry.mx.FinalSyncGate;
import dev.mailferry.mx.MxCheckOptions;
import dev.mailferry.mx.MxChecker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.window.Window;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.osgi.service.prefs.Preferences;

/**
 * Complete batch, as {@code mailferry batch complete} does it: after the user confirmed (and said how, in
 * {@link CompleteBatchDialog}: resolvers, timeout, TXT records, DKIM), the MX records of the batch's mail domains are
 * checked in a job with the command line's own gate ({@link FinalSyncGate}, same lookups, same cutover
 * state file in the project); when a domain is not ready the user is told which and why and may complete anyway (what
 * {@code --force} does). Then the final pass runs as a {@link BatchPassJob}, so Stop and the Progress view work on it.
 */
final class BatchCompletion {

    static final String CONFIRM_TITLE = "Complete batch";
    static final String CONFIRM_BUTTON = "Check MX and Complete";
    static final String NOT_READY_TITLE = "Mail domains not migrated yet";
    static final String ANYWAY_BUTTON = "Complete anyway";

    private final Shell shell;
    private final Path folder;
    private final String batch;
    private final Consumer<String> problems;
    private final Runnable startFinalPass;
    private final Runnable checkEnded;

    /**
     * @param problems       gets why the check could not run, in one sentence, on any thread
     * @param checkEnded     called on the UI thread once the MX check has ended, whatever its outcome
     * @param startFinalPass starts the final pass, on the UI thread, once the check passed or the user went on anyway
     */
    BatchCompletion(Shell shell, Path folder, String batch, Consumer<String> problems, Runnable checkEnded,
            Runnable startFinalPass) {
        this.checkEnded = checkEnded;
        this.shell = shell;
        this.folder = folder;
        this.batch = batch;
        this.problems = problems;
        this.startFinalPass = startFinalPass;
    }

    /**
     * Where the dialog keeps its fields for this project: a preferences node named by a digest of the project's folder
     * (node names may not hold '/' and are short).
     */
    static Preferences remembered(Path folder) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256")
                    .digest(folder.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        return InstanceScope.INSTANCE.getNode(ProjectsView.PREFERENCES_NODE)
                .node("completeBatch").node(HexFormat.of().formatHex(digest, 0, 16));
    }

    /** Asks, then checks the MX records in a job; returns at once. False when the user said no. */
    boolean start() {
        CompleteBatchDialog confirm = new CompleteBatchDialog(shell, batch, remembered(folder));
        if (confirm.open() != Window.OK) {
            return false;
        }
        MxCheckOptions lookup = confirm.options().withStateFile(folder.resolve(MxChecker.STATE_FILE_NAME));
        Display display = shell.getDisplay();
        Job check = Job.create("Checking the MX records of batch '" + batch + "'", monitor -> {
            List<String> mailboxes;
            Runnable ended = () -> {
                if (!display.isDisposed()) {
                    display.asyncExec(checkEnded);
                }
            };
            try (MigrationProject project = MigrationProject.openReadOnly(folder)) {
                BatchInfo info = project.batch(batch).orElse(null);
                if (info == null) {
                    problems.accept("The batch '" + batch + "' is not in the project");
                    ended.run();
                    return Status.OK_STATUS;
                }
                mailboxes = info.mailboxes();
            } catch (MigrationException e) {
                problems.accept(e.getMessage());
                ended.run();
                return Status.OK_STATUS;
            }
            // the DNS lookups run with the project closed: a pass of the command line is never held up by them
            FinalSyncGate gate = FinalSyncGate.check(mailboxes, lookup);
            if (!display.isDisposed()) {
                display.asyncExec(() -> decide(gate));
            }
            return Status.OK_STATUS;
        });
        check.schedule();
        return true;
    }

    private void decide(FinalSyncGate gate) {
        checkEnded.run();
        if (shell.isDisposed()) {
            return;
        }
        if (gate.clear()) {
            startFinalPass.run();
            return;
        }
        List<String> lines = new ArrayList<>();
        if (gate.checkFailure() != null) {
            lines.add("The MX check failed: " + gate.checkFailure());
        }
        gate.problems().forEach(problem -> lines.add("• " + problem));
        MessageDialog notReady = new MessageDialog(shell, NOT_READY_TITLE, null, "The MX change of batch '" + batch
                + "' is not visible everywhere yet:\n\n" + String.join("\n", lines) + "\n\nMail sent to these domains may"
                + " still arrive on the old server after the final sync. Wait and check again (mailferry mx watch), or"
                + " complete anyway (what --force does).", MessageDialog.WARNING, 1, ANYWAY_BUTTON, "Cancel");
        if (notReady.open() == 0) {
            startFinalPass.run();
        }
    }
}
