package dev.mailferry.engine.internal;

/**
 * The durable state of one project: mailboxes, batches, per-folder sync state, the message map and the append journal.
 * One interface over SQL/JDBC, so the embedded database can later be replaced by a shared server with the same schema.
 * It has two parts, one for each kind of caller: the project, the batches and the reports use its {@link #project()},
 * a pass over a mailbox its {@link #sync()}. Thread safe; every method runs in its own transaction unless it hands out
 * an object owning one.
 */
public interface StateStore extends AutoCloseable {

    /** Mailboxes, batches, the passes over them and what the reports read. */
    ProjectStore project();

    /** What a pass over a mailbox reads and records: folders, scan, journal and outcomes. */
    SyncStore sync();

    @Override
    void close();
}
