package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageInfo;
import dev.mailferry.engine.BatchRunResult;
import dev.mailferry.engine.FolderStatus;
import dev.mailferry.engine.MailboxStatus;
import dev.mailferry.engine.MigrationListener;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** Passes each event to several listeners; a listener that throws is not allowed to break the copy. */
public final class ListenerFanout implements MigrationListener {

    private final List<MigrationListener> listeners;

    public ListenerFanout(List<MigrationListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    private void each(Consumer<MigrationListener> event) {
        for (MigrationListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                // a progress display's bug must not fail a migration
            }
        }
    }

    @Override
    public void batchStarted(String batch, int mailboxes, boolean finalPass) {
        each(l -> l.batchStarted(batch, mailboxes, finalPass));
    }

    @Override
    public void mailboxStarted(String email) {
        each(l -> l.mailboxStarted(email));
    }

    @Override
    public void mailboxPlanned(String email, long messages, long bytes) {
        each(l -> l.mailboxPlanned(email, messages, bytes));
    }

    @Override
    public void folderStarted(String email, FolderPath source, FolderPath target, long messages) {
        each(l -> l.folderStarted(email, source, target, messages));
    }

    @Override
    public void messageCopied(String email, FolderPath source, MessageInfo message) {
        each(l -> l.messageCopied(email, source, message));
    }

    @Override
    public void messageSkipped(String email, FolderPath source, MessageInfo message, String reason) {
        each(l -> l.messageSkipped(email, source, message, reason));
    }

    @Override
    public void messageFailed(String email, FolderPath source, MessageInfo message, String reason) {
        each(l -> l.messageFailed(email, source, message, reason));
    }

    @Override
    public void folderFinished(String email, FolderStatus status) {
        each(l -> l.folderFinished(email, status));
    }

    @Override
    public void notice(String email, String text) {
        each(l -> l.notice(email, text));
    }

    @Override
    public void mailboxThrottled(String email, String reason, Duration delay) {
        each(l -> l.mailboxThrottled(email, reason, delay));
    }

    @Override
    public void mailboxRetrying(String email, int attempt, String reason, Duration delay) {
        each(l -> l.mailboxRetrying(email, attempt, reason, delay));
    }

    @Override
    public void mailboxFinished(MailboxStatus status) {
        each(l -> l.mailboxFinished(status));
    }

    @Override
    public void batchFinished(BatchRunResult result) {
        each(l -> l.batchFinished(result));
    }

    @Override
    public void nextPassScheduled(String batch, java.time.Instant when) {
        each(l -> l.nextPassScheduled(batch, when));
    }
}
