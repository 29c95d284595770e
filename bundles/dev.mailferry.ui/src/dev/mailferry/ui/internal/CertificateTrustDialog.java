package dev.mailferry.ui.internal;

import dev.mailferry.core.tls.Fingerprints;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.Locale;
import org.eclipse.jface.dialogs.Dialog;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;

/**
 * Shows a server certificate that Java does not trust (self-signed, unknown issuer, wrong host) so that the user can
 * judge it: subject, issuer, validity and SHA-256 fingerprint, to compare with what the server's administrator says.
 * OK means "trust this one certificate for this endpoint"; Cancel, the default, trusts nothing.
 */
final class CertificateTrustDialog extends Dialog {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneId.of("UTC"));

    private final String server;
    private final X509Certificate certificate;
    /** For tests: the values shown, by label. */
    Text subject;
    Text issuer;
    Text validity;
    Text fingerprint;

    CertificateTrustDialog(Shell parent, String server, X509Certificate certificate) {
        super(parent);
        this.server = server;
        this.certificate = certificate;
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText("Untrusted Certificate");
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
        intro.setText(server + " presented a certificate that is not trusted: it is self-signed, its issuer is unknown, or"
                + " it names another host. Trust it only if it is the server's own: compare the fingerprint with the one"
                + " its administrator gives you.");
        GridDataFactory.fillDefaults().span(2, 1).hint(560, SWT.DEFAULT).applyTo(intro);
        subject = row(area, "Subject:", certificate.getSubjectX500Principal().getName());
        issuer = row(area, "Issuer:", certificate.getIssuerX500Principal().getName());
        validity = row(area, "Valid:", validity(certificate, Instant.now()));
        fingerprint = row(area, "SHA-256:", Fingerprints.sha256(certificate));
        fingerprint.setFont(org.eclipse.jface.resource.JFaceResources.getTextFont());
        return area;
    }

    /** From and until, and whether it is valid now. */
    static String validity(X509Certificate certificate, Instant now) {
        Date from = certificate.getNotBefore();
        Date until = certificate.getNotAfter();
        String state = now.isBefore(from.toInstant()) ? " (not valid yet)"
                : now.isAfter(until.toInstant()) ? " (expired)" : "";
        return "from " + DATE.format(from.toInstant()) + " until " + DATE.format(until.toInstant()) + state;
    }

    /** A label and a read-only field the user can select and copy from. */
    private static Text row(Composite area, String label, String value) {
        new Label(area, SWT.NONE).setText(label);
        Text text = new Text(area, SWT.READ_ONLY | SWT.WRAP);
        text.setText(value);
        GridDataFactory.fillDefaults().grab(true, false).hint(460, SWT.DEFAULT).applyTo(text);
        return text;
    }

    @Override
    protected void createButtonsForButtonBar(Composite parent) {
        createButton(parent, IDialogConstants.OK_ID, "&Trust This Certificate", false);
        createButton(parent, IDialogConstants.CANCEL_ID, IDialogConstants.CANCEL_LABEL, true);
    }
}
