package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.mx.MxCheckOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;
import org.osgi.service.prefs.Preferences;

/**
 * The Complete batch dialog takes what {@code mailferry batch complete} takes for its MX check, checks each field as
 * typed (the confirm button is off and the problem named while one is wrong), hands the checker those options and
 * offers them again the next time for the same project.
 */
class CompleteBatchDialogTest {

    @Test
    void theMxCheckFieldsAreCheckedAsTypedBecomeTheCheckersOptionsAndAreRememberedForTheProject() throws Exception {
        Display display = Display.getCurrent();
        UiDriver ui = new UiDriver(display);
        Shell parent = new Shell(display);
        Preferences remembered = BatchCompletion.remembered(Path.of("/projects/contoso-" + System.nanoTime()));
        CompleteBatchDialog dialog = new CompleteBatchDialog(parent, "wave1", remembered);
        dialog.setBlockOnOpen(false);
        try {
            dialog.open();
            Shell shell = dialog.getShell();
            Button confirm = UiDriver.button(shell, BatchCompletion.CONFIRM_BUTTON);
            assertTrue(confirm.isEnabled(), "the defaults are fine: the system's resolvers");

            ui.type(dialog.resolvers, "192.0.2.53, 127.0.0.1:99999");
            assertFalse(confirm.isEnabled(), "a port out of range");
            assertTrue(dialog.problem.getText().startsWith("Resolvers: '127.0.0.1:99999'"), dialog.problem.getText());

            ui.type(dialog.resolvers, "192.0.2.53, [2001:db8::53]:5353  127.0.0.1:5300");
            ui.type(dialog.verificationRecords, "Contoso.com=MS=ms12345678\nfabrikam.com");
            assertFalse(confirm.isEnabled(), "a TXT line without its text");
            assertEquals("Verification TXT, line 2: 'fabrikam.com' is not DOMAIN=TEXT", dialog.problem.getText());

            ui.type(dialog.verificationRecords, "Contoso.com=MS=ms12345678\n\nfabrikam.com=MS=ms87654321\n");
            assertTrue(confirm.isEnabled(), dialog.problem.getText());
            assertEquals("", dialog.problem.getText());
            dialog.timeoutSeconds.setSelection(7);
            dialog.dkim.setSelection(true);
            assertNull(dialog.options(), "nothing confirmed yet");
            ui.click(confirm);

            MxCheckOptions options = dialog.options();
            assertEquals(List.of(InetSocketAddress.createUnresolved("192.0.2.53", 53),
                    InetSocketAddress.createUnresolved("2001:db8::53", 5353),
                    InetSocketAddress.createUnresolved("127.0.0.1", 5300)), options.resolvers());
            assertEquals(Duration.ofSeconds(7), options.timeout());
            assertEquals(Map.of("contoso.com", "MS=ms12345678", "fabrikam.com", "MS=ms87654321"),
                    options.verificationRecords());
            assertTrue(options.dkim());
            assertEquals(MxCheckOptions.DNS_PORT, options.nameServerPort());
            assertTrue(shell.isDisposed(), "closed by the confirm button");

            // the next time, for the same project, the fields are as confirmed
            CompleteBatchDialog again = new CompleteBatchDialog(parent, "wave2", remembered);
            again.setBlockOnOpen(false);
            again.open();
            try {
                assertEquals("192.0.2.53, [2001:db8::53]:5353  127.0.0.1:5300", again.resolvers.getText());
                assertEquals(7, again.timeoutSeconds.getSelection());
                assertEquals("Contoso.com=MS=ms12345678\n\nfabrikam.com=MS=ms87654321",
                        again.verificationRecords.getText().replace("\r\n", "\n"));
                assertTrue(again.dkim.getSelection());
                assertTrue(UiDriver.button(again.getShell(), BatchCompletion.CONFIRM_BUTTON).isEnabled());
            } finally {
                again.close();
            }
            // ...and another project's dialog starts empty
            CompleteBatchDialog other = new CompleteBatchDialog(parent, "wave1",
                    BatchCompletion.remembered(Path.of("/projects/fabrikam-" + System.nanoTime())));
            other.setBlockOnOpen(false);
            other.open();
            try {
                assertEquals("", other.resolvers.getText());
                assertFalse(other.dkim.getSelection());
            } finally {
                other.close();
            }
        } finally {
            dialog.close();
            parent.dispose();
            remembered.removeNode();
        }
    }
}
