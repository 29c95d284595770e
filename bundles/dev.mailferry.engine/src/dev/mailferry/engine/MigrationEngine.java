package dev.mailferry.engine;

import dev.mailferry.core.secret.SecretStore;
import dev.mailferry.core.spi.SourceConnector;
import dev.mailferry.core.spi.TargetConnector;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs migration batches: plans each mailbox (folders, exclusions, mapping, limits), copies with source reads and
 * target appends overlapped, records every accepted message, and resumes after a crash without gaps or duplicates.
 *
 * <p>In OSGi this is a Declarative Services component that collects every {@link SourceConnector} and
 * {@link TargetConnector} service; outside OSGi (tests) construct it with the connectors.
 */
public class MigrationEngine {

    /** For Declarative Services. */
    public MigrationEngine() {
    }

    public MigrationEngine(Collection<? extends SourceConnector> sources, Collection<? extends TargetConnector> targets) {
    }

    public List<SourceConnector> sourceConnectors() {
        throw new UnsupportedOperationException();
    }

    public List<TargetConnector> targetConnectors() {
        throw new UnsupportedOperationException();
    }

    public Optional<SourceConnector> sourceConnector(String connectorId) {
        throw new UnsupportedOperationException();
    }

    public Optional<TargetConnector> targetConnector(String connectorId) {
        throw new UnsupportedOperationException();
    }

    /**
     * Runs one pass over the batch: the first pass copies everything, later ones only what is new, and push changed
     * flags. Blocks until every mailbox is done. A mailbox failure is recorded in its status and does not stop the
     * others. Also writes the batch log ({@code logs/}) and the report ({@code reports/}).
     *
     * @throws MigrationException when the batch does not exist, is completed, or the project lacks an endpoint
     */
    public BatchRunResult sync(MigrationProject project, String batch, SecretStore secrets, MigrationListener listener)
            throws MigrationException {
        return sync(project, batch, secrets, listener, () -> false);
    }

    /** As {@link #sync(MigrationProject, String, SecretStore, MigrationListener)}, stopping early (resumably) once
     * {@code stopRequested} answers true. */
    public BatchRunResult sync(MigrationProject project, String batch, SecretStore secrets, MigrationListener listener,
            BooleanSupplier stopRequested) throws MigrationException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Runs the final incremental pass, then marks the batch completed: it will not sync again. */
    public BatchRunResult complete(MigrationProject project, String batch, SecretStore secrets, MigrationListener listener)
            throws MigrationException {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
