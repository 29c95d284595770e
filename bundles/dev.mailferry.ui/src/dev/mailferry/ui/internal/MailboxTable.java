package dev.mailferry.ui.internal;

import dev.mailferry.ui.internal.MailboxRows.Row;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;

/**
 * Every mailbox of a project or batch in a virtual table: SWT asks for the text of the rows it shows only, so 5,000
 * mailboxes cost no more than a screenful. Clicking a column header sorts by it; clicking again reverses. A filter (text,
 * state) narrows the rows shown; several rows can be selected for the batch actions.
 */
final class MailboxTable {

    private static final DateTimeFormatter LAST_SYNC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    /** One column: its header, width, how a row shows in it, and how rows sort by it. */
    private record Column(String header, int width, int alignment, Function<Row, String> text,
            Comparator<Row> order) {
    }

    private static final Comparator<String> TEXT = Comparator.nullsFirst(String.CASE_INSENSITIVE_ORDER);

    private static final List<Column> COLUMNS = List.of(
            new Column("Mailbox", 240, SWT.LEFT, Row::emailAddress, Comparator.comparing(Row::emailAddress, TEXT)),
            new Column("Batch", 90, SWT.LEFT, r -> orEmpty(r.batch()), Comparator.comparing(Row::batch, TEXT)),
            new Column("State", 130, SWT.LEFT, r -> r.state() == null ? "not in a batch" : r.state(),
                    Comparator.comparing(Row::state, TEXT)),
            new Column("Copied", 80, SWT.RIGHT, r -> Long.toString(r.copied()), Comparator.comparingLong(Row::copied)),
            new Column("Skipped", 70, SWT.RIGHT, r -> Long.toString(r.skipped()), Comparator.comparingLong(Row::skipped)),
            new Column("Failed", 60, SWT.RIGHT, r -> Long.toString(r.failed()), Comparator.comparingLong(Row::failed)),
            new Column("Size", 80, SWT.RIGHT, r -> Sizes.human(r.bytes()), Comparator.comparingLong(Row::bytes)),
            new Column("Rate", 80, SWT.RIGHT,
                    r -> r.rate() == null ? "" : String.format(Locale.ROOT, "%.1f msg/s", r.rate()),
                    Comparator.comparing(Row::rate, Comparator.nullsFirst(Comparator.naturalOrder()))),
            new Column("Last sync", 130, SWT.LEFT, r -> r.lastSync() == null ? "" : LAST_SYNC.format(r.lastSync()),
                    Comparator.comparing(Row::lastSync, Comparator.nullsFirst(Comparator.naturalOrder()))),
            new Column("Last error", 300, SWT.LEFT, r -> orEmpty(r.lastError()), Comparator.comparing(Row::lastError, TEXT)));

    private final Table table;
    /** Every row given, in the current order; {@link #rows} are those the filter lets through. */
    private List<Row> allRows = List.of();
    private List<Row> rows = List.of();
    private String filterText = "";
    private String filterState;
    private int sortColumn = 0;
    private boolean descending;

    MailboxTable(Composite parent) {
        table = new Table(parent, SWT.VIRTUAL | SWT.MULTI | SWT.FULL_SELECTION | SWT.BORDER);
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        for (int i = 0; i < COLUMNS.size(); i++) {
            Column c = COLUMNS.get(i);
            TableColumn column = new TableColumn(table, c.alignment());
            column.setText(c.header());
            column.setWidth(c.width());
            int index = i;
            column.addListener(SWT.Selection, e -> sortBy(index));
        }
        table.setSortColumn(table.getColumn(0));
        table.setSortDirection(SWT.UP);
        table.addListener(SWT.SetData, e -> {
            TableItem item = (TableItem) e.item;
            int index = e.index;
            if (index < rows.size()) {
                item.setText(texts(rows.get(index)));
            }
        });
    }

    Table control() {
        return table;
    }

    /** Shows these rows in the current order and filter; the selected mailboxes stay selected. */
    void setRows(List<Row> newRows) {
        Set<String> selected = new HashSet<>(selectedAddresses());
        List<Row> sorted = new ArrayList<>(newRows);
        sorted.sort(order());
        allRows = sorted;
        rows = sorted.stream().filter(this::passesFilter).toList();
        table.setItemCount(rows.size());
        table.clearAll(); // virtual: the visible items ask for their text again
        int[] keep = IntStream.range(0, rows.size()).filter(i -> selected.contains(rows.get(i).emailAddress())).toArray();
        table.deselectAll();
        table.select(keep);
    }

    /** The rows shown, in their order (the filter applied). */
    List<Row> rows() {
        return rows;
    }

    /**
     * Shows only the rows whose address, or last error, contains {@code text} (ignoring case) and, when {@code state}
     * is not null, whose state is {@code state}.
     */
    void setFilter(String text, String state) {
        filterText = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        filterState = state;
        setRows(allRows);
    }

    private boolean passesFilter(Row row) {
        if (filterState != null && !filterState.equals(row.state())) {
            return false;
        }
        return filterText.isEmpty() || row.emailAddress().toLowerCase(Locale.ROOT).contains(filterText)
                || (row.lastError() != null && row.lastError().toLowerCase(Locale.ROOT).contains(filterText));
    }

    /** The selected rows, in table order. */
    List<Row> selectedRows() {
        return Arrays.stream(table.getSelectionIndices()).filter(i -> i < rows.size()).sorted().mapToObj(rows::get)
                .toList();
    }

    List<String> selectedAddresses() {
        return selectedRows().stream().map(Row::emailAddress).toList();
    }

    /** Sorts by the column at {@code index}; the same column again reverses the order. */
    void sortBy(int index) {
        descending = index == sortColumn && !descending;
        sortColumn = index;
        table.setSortColumn(table.getColumn(index));
        table.setSortDirection(descending ? SWT.DOWN : SWT.UP);
        setRows(allRows);
    }

    private Comparator<Row> order() {
        Comparator<Row> order = COLUMNS.get(sortColumn).order().thenComparing(Row::emailAddress, TEXT);
        return descending ? order.reversed() : order;
    }

    static String[] texts(Row row) {
        return COLUMNS.stream().map(c -> c.text().apply(row)).toArray(String[]::new);
    }

    /** The column index of a header, for tests and callers that should not count columns. */
    static int column(String header) {
        for (int i = 0; i < COLUMNS.size(); i++) {
            if (COLUMNS.get(i).header().equals(header)) {
                return i;
            }
        }
        throw new IllegalArgumentException("No column " + header);
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
