package dev.mailferry.engine.internal;

/**
 * The durable state of one project: mailboxes, batches, per-folder sync state, the message map and the append journal.
 * One interface over SQL/JDBC, so the embedded database can later be replaced by a shared server with the same schema.
 * Its callers see one of its two parts: the project, the batches and the reports a {@link ProjectStore}, a pass over a
 * mailbox a {@link SyncStore}. Thread safe; every method runs in its own transaction unless it hands out an object
 * owning one.
 */
public interface StateStore extends ProjectStore, SyncStore, AutoCloseable {

    @Override
    void close();
}
