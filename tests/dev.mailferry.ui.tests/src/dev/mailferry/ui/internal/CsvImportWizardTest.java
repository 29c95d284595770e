package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.engine.MigrationProject;
import dev.mailferry.engine.SecretKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.eclipse.jface.wizard.WizardDialog;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CSV import wizard, opened from the Projects view: the preview shows every row, bad ones highlighted with their
 * line and reason; Finish imports the good rows as 'mailferry mailboxes import' does.
 */
class CsvImportWizardTest extends ProjectsViewTestBase {

    @BeforeEach
    void openProject() throws Exception {
        MigrationProject.create(projectFolder, "Northwind").close();
        openInProjectsView("Northwind", "Mailboxes (0)");
    }

    private static List<String> column(Table table, int index) {
        return IntStream.range(0, table.getItemCount()).mapToObj(i -> table.getItem(i).getText(index)).toList();
    }

    @Test
    void badRowsAreShownWithLineAndReasonAndTheGoodRowsAreImported() throws Exception {
        Path csv = dir.resolve("mailboxes.csv");
        Files.writeString(csv, String.join("\n",
                "EmailAddress,UserName,Password,TargetUserName",
                "alice@example.com,alice,pw-alice-1,",
                "not-an-address,bob,pw-bob-2,",
                "carol@example.com,carol,pw-carol-3,carol.t",
                "dave@example.com,dave,,",
                "erin@example.com,erin,pw-erin-5,extra,values"));

        ui.click(UiDriver.toolItem(workbench, "Import Mailboxes..."));
        WizardDialog dialog = EndpointWizardTest.openWizard(ui, workbench, CsvImportWizard.class);
        Shell shell = dialog.getShell();
        CsvImportWizard.ImportPage page = ((CsvImportWizard) dialog.getCurrentPage().getWizard()).page();
        Button finish = UiDriver.button(shell, "Import 0 Mailboxes");
        assertFalse(finish.isEnabled());
        assertFalse(page.passwordsOptional.getSelection(), "the source has no admin login: passwords are needed");

        ui.type(page.file, dir.resolve("missing.csv").toString());
        ui.waitUntil("a missing file is named", () -> page.getErrorMessage() != null);
        assertTrue(page.getErrorMessage().startsWith("No such file: "), page.getErrorMessage());

        ui.type(page.file, csv.toString());
        Table table = page.preview.getTable();
        ui.waitUntil("the preview shows every row", () -> table.getItemCount() == 5);
        assertEquals(List.of("2", "3", "4", "5", "6"), column(table, 0), "ordered by line");
        assertEquals(List.of("alice@example.com", "", "carol@example.com", "", ""), column(table, 1));
        assertEquals("carol.t", table.getItem(2).getText(4));
        List<String> problems = column(table, 5);
        assertEquals("", problems.get(0));
        assertTrue(problems.get(1).startsWith("EmailAddress: invalid address 'not-an-address'"), problems.get(1));
        assertTrue(problems.get(3).startsWith("Password: empty password"), problems.get(3));
        assertTrue(problems.get(4).contains("5 values, but the header line has 4 columns"), problems.get(4));
        assertFalse(Stream.of(table.getItems()).map(TableItem::getText).anyMatch(t -> t.contains("pw-")), "no password shown");
        RGB highlighted = table.getItem(1).getBackground(0).getRGB();
        assertFalse(highlighted.equals(table.getItem(0).getBackground(0).getRGB()), "bad rows are highlighted");
        assertEquals(highlighted, table.getItem(3).getBackground(5).getRGB(), "the whole row");
        assertTrue(page.summary.getText().startsWith("2 good rows will be imported; 3 problems"), page.summary.getText());
        assertEquals("&Import 2 Mailboxes", finish.getText());
        assertTrue(finish.isEnabled());
        assertNull(page.getErrorMessage());

        // as --passwords-optional: dave's row is good now
        page.passwordsOptional.setSelection(true);
        page.passwordsOptional.notifyListeners(org.eclipse.swt.SWT.Selection, null);
        ui.waitUntil("dave's row is good", () -> "&Import 3 Mailboxes".equals(finish.getText()));
        assertEquals("", column(table, 5).get(3));
        EndpointWizardTest.moveMouseAway(shell);
        String screenshots = System.getProperty("mailferry.screenshots");
        if (screenshots != null) {
            ui.screenshot(shell, Path.of(screenshots, "csv-import.png"));
        }

        ui.click(finish);
        ui.waitUntil("the wizard closes", shell::isDisposed);
        ui.waitUntil("the navigator counts the mailboxes",
                () -> UiDriver.treeItem(projects.viewer().getTree(), "Mailboxes (3)") != null);
        try (MigrationProject project = MigrationProject.openReadOnly(projectFolder)) {
            assertEquals(List.of("alice@example.com", "carol@example.com", "dave@example.com"),
                    project.mailboxes().stream().map(MailboxEntry::emailAddress).toList());
            assertEquals("carol.t", project.mailbox("carol@example.com").orElseThrow().targetUserName());
            assertEquals("pw-alice-1", EngineServices.secrets()
                    .get(SecretKeys.mailboxSource(project.id(), "alice@example.com")).orElseThrow().reveal());
        }
        try (Stream<Path> files = Files.walk(projectFolder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1).contains("pw-alice-1"),
                        "a password in " + f);
            }
        }
    }
}
