package dev.mailferry.ui.internal;

import dev.mailferry.mx.MxCheckOptions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jface.dialogs.Dialog;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.osgi.service.prefs.BackingStoreException;
import org.osgi.service.prefs.Preferences;

/**
 * Asks before a batch is completed, and how its MX records are to be checked: the recursive resolvers to ask (empty:
 * the system's), how long a DNS server may take, the domain-verification TXT records and whether to look for the DKIM
 * selectors, as {@code mailferry batch complete} takes them ({@code --resolver}, {@code --dns-timeout},
 * {@code --verification-txt}, {@code --dkim}). Each field is checked as typed; the confirm button is off while one is
 * wrong, and the problem is named under the fields. What was confirmed is remembered (per project, by the caller's
 * preferences node) and filled in the next time: the final pass of one batch is often followed by another's.
 */
final class CompleteBatchDialog extends Dialog {

    private static final String RESOLVERS_KEY = "resolvers";
    private static final String TIMEOUT_KEY = "timeoutSeconds";
    private static final String VERIFICATION_KEY = "verificationRecords";
    private static final String DKIM_KEY = "dkim";

    private final String batch;
    private final Preferences remembered;
    private MxCheckOptions options;
    /** For tests: the fields, and the line that names what is wrong. */
    Text resolvers;
    Spinner timeoutSeconds;
    Text verificationRecords;
    Button dkim;
    Label problem;

    CompleteBatchDialog(Shell parent, String batch, Preferences remembered) {
        super(parent);
        this.batch = batch;
        this.remembered = remembered;
    }

    /** What the user confirmed, without a state file; null until the confirm button was pressed. */
    MxCheckOptions options() {
        return options;
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText(BatchCompletion.CONFIRM_TITLE);
    }

    @Override
    protected boolean isResizable() {
        return true;
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        Composite area = (Composite) super.createDialogArea(parent);
        GridLayoutFactory.swtDefaults().numColumns(2).applyTo(area);
        Label intro = new Label(area, SWT.WRAP);
        intro.setText("Run the final pass over batch '" + batch + "' and mark it completed?\n\nThe final pass copies what"
                + " arrived since the last pass; after it the batch does not sync any more. Run it once the MX records"
                + " point to the new server: the MX records of the batch's mail domains are checked first, as"
                + " 'mailferry batch complete' does.");
        GridDataFactory.fillDefaults().span(2, 1).hint(560, SWT.DEFAULT).applyTo(intro);

        new Label(area, SWT.NONE).setText("Resolvers:");
        resolvers = new Text(area, SWT.BORDER);
        resolvers.setMessage("the system's; or HOST[:PORT], several separated by spaces or commas");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(resolvers);

        new Label(area, SWT.NONE).setText("DNS timeout (s):");
        timeoutSeconds = new Spinner(area, SWT.BORDER);
        timeoutSeconds.setValues((int) MxCheckOptions.DEFAULT_TIMEOUT.toSeconds(), 1, 60, 0, 1, 5);

        Label txtLabel = new Label(area, SWT.NONE);
        txtLabel.setText("Verification TXT:");
        GridDataFactory.swtDefaults().align(SWT.BEGINNING, SWT.BEGINNING).applyTo(txtLabel);
        verificationRecords = new Text(area, SWT.BORDER | SWT.MULTI | SWT.V_SCROLL);
        verificationRecords.setMessage("DOMAIN=TEXT, one a line (e.g. contoso.com=MS=ms12345678)");
        GridDataFactory.fillDefaults().grab(true, false).hint(SWT.DEFAULT, 48).applyTo(verificationRecords);

        new Label(area, SWT.NONE);
        dkim = new Button(area, SWT.CHECK);
        dkim.setText("Also look for the DKIM selectors (selector1/selector2._domainkey) to Exchange Online");

        problem = new Label(area, SWT.WRAP);
        GridDataFactory.fillDefaults().span(2, 1).hint(560, SWT.DEFAULT).applyTo(problem);

        resolvers.setText(remembered.get(RESOLVERS_KEY, ""));
        timeoutSeconds.setSelection(remembered.getInt(TIMEOUT_KEY, (int) MxCheckOptions.DEFAULT_TIMEOUT.toSeconds()));
        verificationRecords.setText(remembered.get(VERIFICATION_KEY, ""));
        dkim.setSelection(remembered.getBoolean(DKIM_KEY, false));
        resolvers.addModifyListener(e -> check());
        verificationRecords.addModifyListener(e -> check());
        return area;
    }

    @Override
    protected void createButtonsForButtonBar(Composite parent) {
        createButton(parent, IDialogConstants.OK_ID, BatchCompletion.CONFIRM_BUTTON, false);
        createButton(parent, IDialogConstants.CANCEL_ID, IDialogConstants.CANCEL_LABEL, true);
    }

    @Override
    protected void okPressed() {
        try {
            options = read();
        } catch (IllegalArgumentException e) {
            return; // the button is off while a field is wrong; a last check all the same
        }
        remember();
        super.okPressed();
    }

    /** Keeps the confirmed fields for the next time; a failure to keep them costs only the typing. */
    private void remember() {
        remembered.put(RESOLVERS_KEY, resolvers.getText().trim());
        remembered.putInt(TIMEOUT_KEY, timeoutSeconds.getSelection());
        remembered.put(VERIFICATION_KEY, verificationRecords.getText().trim());
        remembered.putBoolean(DKIM_KEY, dkim.getSelection());
        try {
            remembered.flush();
        } catch (BackingStoreException | IllegalStateException notKept) {
            // the check goes on with what was typed
        }
    }

    /** Names what is wrong under the fields and turns the confirm button off until it is right. */
    private void check() {
        String wrong = null;
        try {
            read();
        } catch (IllegalArgumentException e) {
            wrong = e.getMessage();
        }
        problem.setText(wrong == null ? "" : wrong);
        Button confirm = getButton(IDialogConstants.OK_ID);
        if (confirm != null) {
            confirm.setEnabled(wrong == null);
        }
        problem.getParent().layout(true, true);
    }

    /** The checker's options from the fields; throws naming the field and what is wrong with it. */
    private MxCheckOptions read() {
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String server : resolvers.getText().trim().split("[\\s,]+")) {
            if (!server.isEmpty()) {
                try {
                    servers.add(MxCheckOptions.parseServer(server));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Resolvers: " + e.getMessage(), e);
                }
            }
        }
        Map<String, String> records = new LinkedHashMap<>();
        String[] lines = verificationRecords.getText().split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty()) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0 || equals == line.length() - 1) {
                throw new IllegalArgumentException("Verification TXT, line " + (i + 1) + ": '" + line
                        + "' is not DOMAIN=TEXT");
            }
            records.put(line.substring(0, equals).trim().toLowerCase(Locale.ROOT), line.substring(equals + 1).trim());
        }
        return MxCheckOptions.defaults().withResolvers(servers)
                .withTimeout(Duration.ofSeconds(timeoutSeconds.getSelection())).withVerificationRecords(records)
                .withDkim(dkim.getSelection());
    }
}
