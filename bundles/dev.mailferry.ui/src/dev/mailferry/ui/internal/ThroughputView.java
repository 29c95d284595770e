package dev.mailferry.ui.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.engine.BatchRunResult;
import dev.mailferry.engine.MailboxStatus;
import dev.mailferry.engine.MigrationListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;

/**
 * Messages per second and megabytes per second over the pass over the batch selected in the Projects view, drawn on a
 * canvas: a pass this workbench runs is sampled once a second from the engine's events; a pass run outside it (the
 * command line) from the project's copied totals, read about once a second.
 */
public final class ThroughputView extends SelectionFollowingView<BatchRef> {

    static final String ID = "dev.mailferry.ui.throughputView";
    static final int SAMPLE_MILLIS = 1_000;
    /** A day of samples at most: a pass longer than that shows its last day. */
    static final int MAX_SAMPLES = 86_400;
    private static final double MEGABYTE = 1024.0 * 1024;

    /** What one second of the pass copied. */
    record Sample(long messages, long bytes) {
        double megabytes() {
            return bytes / MEGABYTE;
        }
    }

    private Display display;
    private Label message;
    private Canvas canvas;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    /** Samples of the pass shown; touched on the UI thread only. */
    private final List<Sample> samples = new ArrayList<>();
    private final PassFollower follower = new PassFollower(new Counting());
    private final Runnable sampler = this::sample;
    private OutsidePassWatch outside;
    /** Copied messages and bytes at the last reading of a pass run outside this workbench; null when none runs. */
    private long[] outsideTotals;

    public ThroughputView() {
        super(ProjectsView.ID, BatchRef::of);
    }

    @Override
    public void createPartControl(Composite parent) {
        display = parent.getDisplay();
        GridLayoutFactory.fillDefaults().margins(4, 4).applyTo(parent);
        message = new Label(parent, SWT.NONE);
        message.setText("Select a batch in the Projects view; its pass started here is charted.");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(message);
        canvas = new Canvas(parent, SWT.DOUBLE_BUFFERED);
        canvas.setBackground(display.getSystemColor(SWT.COLOR_WHITE));
        GridDataFactory.fillDefaults().grab(true, true).applyTo(canvas);
        canvas.addPaintListener(e -> paint(e.gc, canvas.getClientArea()));
        outside = new OutsidePassWatch(display, (project, batch, runs, ended) -> {
            long[] totals = { 0, 0 };
            for (MailboxStatus s : project.status(batch.batch())) {
                totals[0] += s.copied();
                totals[1] += s.bytes();
            }
            display.asyncExec(() -> outsideRead(batch, runs ? totals : null));
        });

        follow(follower, outside);
    }

    @Override
    public void dispose() {
        if (!display.isDisposed()) {
            display.timerExec(-1, sampler);
        }
        super.dispose();
    }

    @Override
    public void setFocus() {
        canvas.setFocus();
    }

    @Override
    void showSelected(BatchRef next) {
        samples.clear();
        messages.set(0);
        bytes.set(0);
        boolean passRuns = follower.follow(next);
        running.set(passRuns);
        if (passRuns) {
            display.timerExec(SAMPLE_MILLIS, sampler);
        }
        outsideTotals = null;
        outside.watch(next);
        describe();
        canvas.redraw();
    }

    /** Once a second while a pass runs: what it copied since the last sample. */
    private void sample() {
        if (canvas.isDisposed()) {
            return;
        }
        samples.add(new Sample(messages.getAndSet(0), bytes.getAndSet(0)));
        if (samples.size() > MAX_SAMPLES) {
            samples.remove(0);
        }
        describe();
        canvas.redraw();
        if (running.get()) {
            display.timerExec(SAMPLE_MILLIS, sampler);
        }
    }

    private void passStarted() {
        if (canvas.isDisposed()) {
            return;
        }
        samples.clear();
        display.timerExec(-1, sampler);
        display.timerExec(SAMPLE_MILLIS, sampler);
        describe();
        canvas.redraw();
    }

    private void passEnded() {
        if (canvas.isDisposed()) {
            return;
        }
        display.timerExec(-1, sampler);
        sample(); // what the last part-second copied
    }

    /** A reading of the totals of a pass run outside this workbench ({@code totals} null: it ended). */
    private void outsideRead(BatchRef batch, long[] totals) {
        if (canvas.isDisposed() || !batch.equals(shown()) || running.get()) {
            return;
        }
        if (totals == null) {
            outsideTotals = null;
        } else {
            if (outsideTotals == null) {
                samples.clear(); // a pass seen for the first time: its chart starts now
            } else {
                samples.add(new Sample(Math.max(0, totals[0] - outsideTotals[0]), Math.max(0, totals[1] - outsideTotals[1])));
                if (samples.size() > MAX_SAMPLES) {
                    samples.remove(0);
                }
            }
            outsideTotals = totals;
        }
        describe();
        canvas.redraw();
    }

    private void describe() {
        BatchRef batch = shown();
        if (batch == null) {
            return;
        }
        if (samples.isEmpty()) {
            message.setText("Batch '" + batch.batch() + "': " + (running.get() || outsideTotals != null
                    ? "pass under way, first sample in a second" : "no pass charted yet (a pass is charted from when it is seen)"));
            return;
        }
        Sample last = samples.get(samples.size() - 1);
        long totalMessages = samples.stream().mapToLong(Sample::messages).sum();
        long totalBytes = samples.stream().mapToLong(Sample::bytes).sum();
        message.setText(String.format(Locale.ROOT, "Batch '%s': %s %.0f msg/s, %.2f MB/s; over %d s: %d messages, %s,"
                + " average %.1f msg/s", batch.batch(), running.get() || outsideTotals != null ? "now" : "last second", (double) last.messages(),
                last.megabytes(), samples.size(), totalMessages, Sizes.human(totalBytes),
                totalMessages / (double) samples.size()));
    }

    private void paint(GC gc, Rectangle area) {
        int left = 60;
        int right = 70;
        int top = 24;
        int bottom = 28;
        int width = area.width - left - right;
        int height = area.height - top - bottom;
        if (width < 40 || height < 40) {
            return;
        }
        Color axis = display.getSystemColor(SWT.COLOR_DARK_GRAY);
        Color grid = display.getSystemColor(SWT.COLOR_WIDGET_LIGHT_SHADOW);
        Color messagesColor = display.getSystemColor(SWT.COLOR_DARK_BLUE);
        Color megabytesColor = display.getSystemColor(SWT.COLOR_DARK_RED);
        double maxMessages = Math.max(1, samples.stream().mapToLong(Sample::messages).max().orElse(1));
        double maxMegabytes = Math.max(0.1, samples.stream().mapToDouble(Sample::megabytes).max().orElse(0.1));
        gc.setAntialias(SWT.ON);

        // grid and scales: messages/s on the left, MB/s on the right
        for (int i = 0; i <= 4; i++) {
            int y = top + height - height * i / 4;
            gc.setForeground(grid);
            gc.drawLine(left, y, left + width, y);
            gc.setForeground(messagesColor);
            String m = String.format(Locale.ROOT, "%.0f", maxMessages * i / 4);
            gc.drawString(m, left - 6 - gc.stringExtent(m).x, y - 7, true);
            gc.setForeground(megabytesColor);
            gc.drawString(String.format(Locale.ROOT, "%.2f", maxMegabytes * i / 4), left + width + 6, y - 7, true);
        }
        gc.setForeground(axis);
        gc.drawRectangle(left, top, width, height);
        gc.setForeground(messagesColor);
        gc.drawString("messages/s", 4, 4, true);
        gc.setForeground(megabytesColor);
        String mbLabel = "MB/s";
        gc.drawString(mbLabel, area.width - 4 - gc.stringExtent(mbLabel).x, 4, true);
        gc.setForeground(axis);
        String seconds = samples.isEmpty() ? "seconds of the pass" : "the pass, second 0 to " + samples.size();
        Point extent = gc.stringExtent(seconds);
        gc.drawString(seconds, left + (width - extent.x) / 2, top + height + 6, true);

        if (samples.size() < 2) {
            return;
        }
        gc.setLineWidth(2);
        gc.setForeground(messagesColor);
        gc.drawPolyline(points(left, top, width, height, maxMessages, true));
        gc.setForeground(megabytesColor);
        gc.drawPolyline(points(left, top, width, height, maxMegabytes, false));
        gc.setLineWidth(1);
    }

    private int[] points(int left, int top, int width, int height, double max, boolean countMessages) {
        int n = samples.size();
        int[] xy = new int[n * 2];
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i);
            double value = countMessages ? s.messages() : s.megabytes();
            xy[2 * i] = left + (int) Math.round(width * i / (double) (n - 1));
            xy[2 * i + 1] = top + height - (int) Math.round(height * Math.min(1, value / max));
        }
        return xy;
    }

    /** For tests: the samples of the pass shown, one per second. */
    List<Sample> samples() {
        return List.copyOf(samples);
    }

    Label message() {
        return message;
    }

    Canvas canvas() {
        return canvas;
    }

    /** Counts on the copy threads; the samples are taken on the UI thread. */
    private final class Counting implements MigrationListener {
        @Override
        public void batchStarted(String batch, int mailboxes, boolean finalPass) {
            messages.set(0);
            bytes.set(0);
            running.set(true);
            if (!display.isDisposed()) {
                display.asyncExec(ThroughputView.this::passStarted);
            }
        }

        @Override
        public void messageCopied(String emailAddress, FolderPath source, MessageInfo message) {
            messages.incrementAndGet();
            bytes.addAndGet(message.size());
        }

        @Override
        public void batchFinished(BatchRunResult result) {
            running.set(false);
            if (!display.isDisposed()) {
                display.asyncExec(ThroughputView.this::passEnded);
            }
        }
    }
}
