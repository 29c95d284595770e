package dev.mailferry.ui.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.eclipse.jface.action.ActionContributionItem;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;
import org.eclipse.swt.widgets.ToolBar;
import org.eclipse.swt.widgets.ToolItem;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.TreeItem;

/**
 * Drives real SWT widgets from a test running on the UI thread (SWTBot is not on Maven Central): finds widgets, sends
 * them the events a user's click would, and runs the event loop while waiting, so jobs and asyncExecs get through.
 */
final class UiDriver {

    static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private final Display display;

    UiDriver(Display display) {
        this.display = display;
    }

    /** Runs the event loop until {@code condition} holds; fails naming {@code what} (and the last state) after {@code timeout}. */
    void waitUntil(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("Timed out after " + timeout.toSeconds() + " s waiting until " + what + "; now: " + state.get());
            }
            if (!display.readAndDispatch()) {
                display.timerExec(20, () -> { }); // wakes sleep() up even when no event comes
                display.sleep();
            }
        }
    }

    void waitUntil(String what, BooleanSupplier condition) {
        waitUntil(what, DEFAULT_WAIT, condition, () -> "?");
    }

    void waitUntil(String what, BooleanSupplier condition, Supplier<String> state) {
        waitUntil(what, DEFAULT_WAIT, condition, state);
    }

    /** Lets pending events and asyncExecs run for {@code millis}. */
    void pump(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (!display.readAndDispatch()) {
                display.timerExec(20, () -> { });
                display.sleep();
            }
        }
    }

    /** Every control below {@code root} (included) of the given type that matches. */
    static <T extends Control> List<T> find(Control root, Class<T> type, Predicate<T> matches) {
        List<T> found = new ArrayList<>();
        collect(root, type, matches, found);
        return found;
    }

    private static <T extends Control> void collect(Control control, Class<T> type, Predicate<T> matches, List<T> found) {
        if (control.isDisposed()) {
            return;
        }
        if (type.isInstance(control) && matches.test(type.cast(control))) {
            found.add(type.cast(control));
        }
        if (control instanceof Composite composite) {
            for (Control child : composite.getChildren()) {
                collect(child, type, matches, found);
            }
        }
    }

    /** The tool bar item of the action with this text, anywhere in the shell. */
    static ToolItem toolItem(Shell shell, String actionText) {
        for (ToolBar bar : find(shell, ToolBar.class, b -> true)) {
            for (ToolItem item : bar.getItems()) {
                if (item.getData() instanceof ActionContributionItem contribution
                        && actionText.equals(contribution.getAction().getText())) {
                    return item;
                }
            }
        }
        throw new AssertionError("No tool bar item '" + actionText + "' in " + shell.getText());
    }

    /** Clicks a tool bar item as a user would (nothing happens when it is disabled, as for a user). */
    void click(ToolItem item) {
        if (!item.isEnabled()) {
            throw new AssertionError("'" + item.getToolTipText() + "' is disabled");
        }
        Event event = new Event();
        event.widget = item;
        item.notifyListeners(SWT.Selection, event);
        pump(50);
    }

    void click(Button button) {
        if (!button.isEnabled()) {
            throw new AssertionError("Button '" + button.getText() + "' is disabled");
        }
        button.notifyListeners(SWT.Selection, new Event());
        pump(50);
    }

    static Button button(Shell shell, String text) {
        List<Button> buttons = find(shell, Button.class, b -> text.equals(b.getText().replace("&", "")));
        if (buttons.isEmpty()) {
            throw new AssertionError("No button '" + text + "' in " + shell.getText());
        }
        return buttons.get(0);
    }

    /** Types into a text field: its whole content replaced, as select-all and typing would (Modify is sent). */
    void type(Text text, String value) {
        text.setFocus();
        text.setText(value);
        pump(20);
    }

    /** The tree item whose text starts with {@code prefix}, among the expanded ones. */
    static TreeItem treeItem(Tree tree, String prefix) {
        List<TreeItem> all = new ArrayList<>();
        for (TreeItem item : tree.getItems()) {
            collect(item, all);
        }
        return all.stream().filter(i -> i.getText().startsWith(prefix)).findFirst().orElse(null);
    }

    private static void collect(TreeItem item, List<TreeItem> all) {
        all.add(item);
        for (TreeItem child : item.getItems()) {
            if (child.getData() != null) {
                collect(child, all);
            }
        }
    }

    /** Selects a tree item as a click would: the viewer hears of it and tells the workbench's selection service. */
    void select(Tree tree, TreeItem item) {
        tree.setSelection(item);
        Event event = new Event();
        event.item = item;
        tree.notifyListeners(SWT.Selection, event);
        pump(50);
    }

    /** Selects table rows as a user's (shift- or control-) click would: the table's listeners hear of it. */
    void select(Table table, int... indices) {
        table.setSelection(indices);
        Event event = new Event();
        event.item = indices.length == 0 ? null : table.getItem(indices[0]);
        table.notifyListeners(SWT.Selection, event);
        pump(50);
    }

    /** Chooses an item of a drop-down as a user would. */
    void select(Combo combo, String item) {
        int index = combo.indexOf(item);
        if (index < 0) {
            throw new AssertionError("No item '" + item + "' in the drop-down");
        }
        combo.select(index);
        combo.notifyListeners(SWT.Selection, new Event());
        pump(50);
    }

    /**
     * Clicks {@code button} in the dialog titled {@code title} once it is open: modal dialogs run their own event loop,
     * so the answer is given from a timer of that loop.
     */
    void answerWhenOpen(String title, String button) {
        answerWhenOpen(title, button, text -> { });
    }

    /** As {@link #answerWhenOpen(String, String)}, first handing what the dialog says (its labels, a line each) to {@code seen}. */
    void answerWhenOpen(String title, String button, Consumer<String> seen) {
        whenOpen(title, open -> {
            seen.accept(labels(open));
            click(button(open, button));
        });
    }

    /** Once a shell titled {@code title} is shown, hands it to {@code action} (which fills it in and answers it). */
    void whenOpen(String title, Consumer<Shell> action) {
        Runnable answer = new Runnable() {
            @Override
            public void run() {
                for (Shell open : display.getShells()) {
                    if (open.isVisible() && title.equals(open.getText())) {
                        action.accept(open);
                        return;
                    }
                }
                display.timerExec(50, this);
            }
        };
        display.timerExec(50, answer);
    }

    /** What a shell says: its labels' texts, a line each. */
    static String labels(Shell shell) {
        return String.join("\n", find(shell, Label.class, l -> true).stream().map(Label::getText).toList());
    }

    /** Saves what the screen shows of {@code shell} as a PNG: what a user would see, decorations and all. */
    void screenshot(Shell shell, Path file) throws IOException {
        shell.forceActive();
        shell.redraw();
        shell.update();
        pump(500);
        Rectangle bounds = shell.getBounds();
        Image image = new Image(display, bounds.width, bounds.height);
        GC gc = new GC(display);
        try {
            gc.copyArea(image, bounds.x, bounds.y);
            ImageLoader loader = new ImageLoader();
            loader.data = new ImageData[] { image.getImageData() };
            Files.createDirectories(file.getParent());
            loader.save(file.toString(), SWT.IMAGE_PNG);
        } finally {
            gc.dispose();
            image.dispose();
        }
    }
}
