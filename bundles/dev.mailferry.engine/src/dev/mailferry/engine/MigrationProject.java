package dev.mailferry.engine;

import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.secret.SecretStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A migration project: a folder holding a human-editable project file ({@value #PROJECT_FILE}: name, id, source and
 * target endpoints, never a secret), the state database ({@value #STATE_DB}: mailboxes, batches, per-folder sync
 * state, message map, journal), and the {@code reports/} and {@code logs/} folders.
 *
 * <p>Secrets go to the {@link SecretStore} handed in, under {@link SecretKeys} derived from {@link #id()}.
 *
 * <p>A project is opened by one process at a time (the database file is locked). Methods are thread safe.
 */
public final class MigrationProject implements AutoCloseable {

    public static final String PROJECT_FILE = "mailferry-project.properties";
    public static final String STATE_DB = "state.mv.db";

    private MigrationProject() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Creates a new project in {@code folder} (created if missing; must not already hold a project). */
    public static MigrationProject create(Path folder, String name) throws MigrationException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Opens an existing project folder. */
    public static MigrationProject open(Path folder) throws MigrationException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public String id() {
        throw new UnsupportedOperationException();
    }

    public String name() {
        throw new UnsupportedOperationException();
    }

    public Path folder() {
        throw new UnsupportedOperationException();
    }

    public Path reportsFolder() {
        throw new UnsupportedOperationException();
    }

    public Path logsFolder() {
        throw new UnsupportedOperationException();
    }

    public Optional<Endpoint> sourceEndpoint() {
        throw new UnsupportedOperationException();
    }

    public Optional<Endpoint> targetEndpoint() {
        throw new UnsupportedOperationException();
    }

    /** Sets the source endpoint and saves the project file. */
    public void setSourceEndpoint(Endpoint endpoint) throws MigrationException {
        throw new UnsupportedOperationException();
    }

    /** Sets the target endpoint and saves the project file. */
    public void setTargetEndpoint(Endpoint endpoint) throws MigrationException {
        throw new UnsupportedOperationException();
    }

    /**
     * Adds mailboxes, replacing entries with the same e-mail address (case-insensitive), and stores their non-empty
     * secrets in {@code secrets}.
     */
    public void putMailboxes(Collection<MailboxImport> mailboxes, SecretStore secrets) throws MigrationException, IOException {
        throw new UnsupportedOperationException();
    }

    /** All mailboxes, ordered by e-mail address. */
    public List<MailboxEntry> mailboxes() throws MigrationException {
        throw new UnsupportedOperationException();
    }

    public Optional<MailboxEntry> mailbox(String emailAddress) throws MigrationException {
        throw new UnsupportedOperationException();
    }

    /**
     * Creates a batch of the given mailboxes (all the project's mailboxes when {@code emailAddresses} is empty). Fails
     * when the name is taken or an address is not in the project.
     */
    public BatchInfo createBatch(String name, Collection<String> emailAddresses, BatchOptions options)
            throws MigrationException {
        throw new UnsupportedOperationException();
    }

    public List<BatchInfo> batches() throws MigrationException {
        throw new UnsupportedOperationException();
    }

    public Optional<BatchInfo> batch(String name) throws MigrationException {
        throw new UnsupportedOperationException();
    }

    /** Status of every mailbox of the batch, ordered by e-mail address. */
    public List<MailboxStatus> status(String batch) throws MigrationException {
        throw new UnsupportedOperationException();
    }

    /** Status of every source folder of one mailbox. */
    public List<FolderStatus> folderStatus(String emailAddress) throws MigrationException {
        throw new UnsupportedOperationException();
    }

    /** Writes the batch's summary and detail CSV files to {@link #reportsFolder()}, replacing earlier ones. */
    public ReportFiles writeReport(String batch) throws MigrationException {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
