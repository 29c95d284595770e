package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.ui.internal.MailboxRows.Row;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.junit.jupiter.api.Test;

/** 5,000 mailboxes: only the rows on screen are filled in, and sorting by a column is one click. */
class MailboxTableTest {

    private static final int MAILBOXES = 5_000;

    @Test
    void fiveThousandRowsFillOnlyWhatIsOnScreenAndSortByAClickedColumn() {
        Display display = Display.getCurrent();
        Shell shell = new Shell(display);
        try {
            shell.setLayout(new FillLayout());
            shell.setSize(900, 400);
            MailboxTable mailboxTable = new MailboxTable(shell);
            Table table = mailboxTable.control();
            AtomicInteger filled = new AtomicInteger();
            table.addListener(SWT.SetData, e -> filled.incrementAndGet());
            shell.open();
            List<Row> rows = IntStream.range(0, MAILBOXES).mapToObj(i -> new Row(String.format("user%04d@example.org", i),
                    "wave1", i % 7 == 0 ? "FAILED" : "SYNCED", (i * 37L) % 1000, i % 3, i % 7 == 0 ? 1 : 0, i * 1024L,
                    i % 2 == 0 ? null : (double) i, Instant.parse("2026-12-01T10:00:00Z"), i % 7 == 0 ? "Login refused" : null)).toList();

            long started = System.nanoTime();
            mailboxTable.setRows(rows);
            new UiDriver(display).pump(200);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(MAILBOXES, table.getItemCount());
            assertTrue(filled.get() < 200, "only the visible rows are filled in, not " + filled.get());
            assertTrue(millis < 2_000, "showing 5,000 rows took " + millis + " ms");

            int copied = MailboxTable.column("Copied");
            table.getColumn(copied).notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
            assertEquals("0", table.getItem(0).getText(copied), "ascending by copied");
            table.getColumn(copied).notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
            assertEquals("999", table.getItem(0).getText(copied), "a second click reverses");
            assertEquals(SWT.DOWN, table.getSortDirection());
            assertEquals(table.getColumn(copied), table.getSortColumn());

            mailboxTable.setFilter("USER00", "FAILED");
            assertEquals(15, table.getItemCount(), "user0000..0099, every seventh failed");
            assertTrue(mailboxTable.rows().stream().allMatch(r -> r.state().equals("FAILED")
                    && r.emailAddress().startsWith("user00")));
            table.select(0);
            String first = mailboxTable.rows().get(0).emailAddress();
            mailboxTable.setFilter("login refused", null);
            assertEquals(MAILBOXES / 7 + 1, table.getItemCount(), "the error text matches too");
            assertEquals(List.of(first), mailboxTable.selectedAddresses(), "the selection survives the filter");
            mailboxTable.setFilter("user0007@", null);
            assertEquals("7.0 msg/s", table.getItem(0).getText(MailboxTable.column("Rate")));
            mailboxTable.setFilter("", null);
            assertEquals(MAILBOXES, table.getItemCount());

            assertEquals("4.9 MB", Sizes.human(5_000 * 1024L));
            assertEquals("512 B", Sizes.human(512));
        } finally {
            shell.dispose();
        }
    }
}
