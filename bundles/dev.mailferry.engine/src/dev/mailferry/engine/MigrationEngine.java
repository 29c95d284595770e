package dev.mailferry.engine;

import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.model.SpecialUse;
import dev.mailferry.core.secret.SecretStore;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.SourceConnector;
import dev.mailferry.core.spi.SourceSession;
import dev.mailferry.core.spi.TargetConnector;
import dev.mailferry.core.spi.TargetSession;
import dev.mailferry.engine.internal.BatchControl;
import dev.mailferry.engine.internal.BatchLog;
import dev.mailferry.engine.internal.EndpointRetries;
import dev.mailferry.engine.internal.EndpointUnreachable;
import dev.mailferry.engine.internal.FolderPlanner;
import dev.mailferry.engine.internal.FolderPlanner.PlannedFolder;
import dev.mailferry.engine.internal.ListenerFanout;
import dev.mailferry.engine.internal.MailboxSync;
import dev.mailferry.engine.internal.PipelineHook;
import dev.mailferry.engine.internal.ProjectStore;
import dev.mailferry.engine.internal.SourceSide;
import dev.mailferry.engine.internal.StoreException;
import dev.mailferry.engine.internal.TargetSide;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Runs migration batches: plans each mailbox (folders, exclusions, mapping, limits), copies with source reads and
 * target appends overlapped, records every accepted message, and resumes after a crash without gaps or duplicates.
 *
 * <p>In OSGi this is a Declarative Services component that collects every {@link SourceConnector} and
 * {@link TargetConnector} service; outside OSGi (tests) construct it with the connectors. Thread safe; one batch of a
 * project should run at a time.
 */
@Component(service = MigrationEngine.class)
public class MigrationEngine {

    /** Bytes of message bodies one mailbox may hold between its reader and its writer. */
    static final long BYTE_BUDGET_PER_MAILBOX = 16L * 1024 * 1024;

    private final List<SourceConnector> sources = new CopyOnWriteArrayList<>();
    private final List<TargetConnector> targets = new CopyOnWriteArrayList<>();
    private volatile int maxAttempts = 3;
    private volatile Duration firstRetryDelay = Duration.ofSeconds(5);
    private volatile PipelineHook hook = PipelineHook.NONE;
    private volatile int connectionsPerMailbox = 4;

    /** For Declarative Services. */
    public MigrationEngine() {
    }

    public MigrationEngine(Collection<? extends SourceConnector> sources, Collection<? extends TargetConnector> targets) {
        this.sources.addAll(sources);
        this.targets.addAll(targets);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSourceConnector(SourceConnector connector) {
        sources.add(connector);
    }

    void removeSourceConnector(SourceConnector connector) {
        sources.remove(connector);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addTargetConnector(TargetConnector connector) {
        targets.add(connector);
    }

    void removeTargetConnector(TargetConnector connector) {
        targets.remove(connector);
    }

    public List<SourceConnector> sourceConnectors() {
        return List.copyOf(sources);
    }

    public List<TargetConnector> targetConnectors() {
        return List.copyOf(targets);
    }

    public Optional<SourceConnector> sourceConnector(String connectorId) {
        return sources.stream().filter(c -> c.id().equals(connectorId)).findFirst();
    }

    public Optional<TargetConnector> targetConnector(String connectorId) {
        return targets.stream().filter(c -> c.id().equals(connectorId)).findFirst();
    }

    /**
     * How often a mailbox interrupted by a transient error (connection lost, server error) is tried in one pass, and
     * the delay before the first retry (doubled for each further one). By default a few attempts, seconds apart.
     */
    public void setRetryPolicy(int attempts, Duration firstDelay) {
        if (attempts < 1) {
            throw new IllegalArgumentException("At least one attempt");
        }
        this.maxAttempts = attempts;
        this.firstRetryDelay = firstDelay;
    }

    /**
     * How many connections to each side one mailbox uses (parallel folder pipelines). The default keeps a target that
     * fsyncs every APPEND busy (see bench/README.md) and stays under the usual per-user connection limits of IMAP
     * servers. The endpoint sees up to {@code maxParallelMailboxes} times this many connections.
     */
    public void setConnectionsPerMailbox(int connections) {
        if (connections < 1) {
            throw new IllegalArgumentException("At least one connection");
        }
        this.connectionsPerMailbox = connections;
    }

    /** Test seam, see {@link PipelineHook}. */
    void setPipelineHook(PipelineHook hook) {
        this.hook = hook == null ? PipelineHook.NONE : hook;
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

    /**
     * As {@link #sync(MigrationProject, String, SecretStore, MigrationListener)}, stopping early (resumably) once
     * {@code stopRequested} answers true; mailboxes stopped early are {@link MailboxState#STOPPED}, the batch
     * {@link BatchState#STOPPED}.
     */
    public BatchRunResult sync(MigrationProject project, String batch, SecretStore secrets, MigrationListener listener,
            BooleanSupplier stopRequested) throws MigrationException {
        clearStopRequest(project, batch); // one left by a process that ended before it saw it
        return run(project, batch, null, secrets, listener, stopRequested, email -> false, false);
    }

    /**
     * As {@link #sync(MigrationProject, String, SecretStore, MigrationListener, BooleanSupplier)} over some mailboxes
     * of the batch only (to start or retry them; null: all of them), each of which also stops early once
     * {@code mailboxStopRequested} answers true for it. The others keep their state; the batch's state then accounts for them too: a mailbox of
     * the batch never synced, or stopped, leaves the batch {@link BatchState#STOPPED} (the next start resumes it).
     *
     * @throws MigrationException also when a mailbox is not in the batch
     */
    public BatchRunResult sync(MigrationProject project, String batch, Collection<String> mailboxes, SecretStore secrets,
            MigrationListener listener, BooleanSupplier stopRequested, Predicate<String> mailboxStopRequested)
            throws MigrationException {
        if (mailboxes == null) {
            clearStopRequest(project, batch);
            return run(project, batch, null, secrets, listener, stopRequested, mailboxStopRequested, false);
        }
        BatchInfo info = project.requireBatch(batch);
        Set<String> only = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String email : mailboxes) {
            String key = email.trim().toLowerCase(Locale.ROOT);
            if (!info.mailboxes().contains(key)) {
                unknown.add(email);
            }
            only.add(key);
        }
        if (!unknown.isEmpty() || only.isEmpty()) {
            throw new MigrationException(only.isEmpty() ? "No mailbox to sync in batch '" + batch + "'"
                    : "Not in batch '" + batch + "': " + String.join(", ", unknown));
        }
        clearStopRequest(project, batch);
        return run(project, batch, only, secrets, listener, stopRequested, mailboxStopRequested, false);
    }

    /**
     * Keeps the batch in sync, as Exchange Online does with its daily incremental passes: runs a pass, and the next one
     * {@code every} after the previous one started (at once when a pass took longer), until {@code stopRequested}
     * answers true or {@link MigrationProject#requestStop} is called, from this process or another; a pass under way
     * then stops at its next safe point. The next pass's time is shown by {@link MigrationProject#nextPass} meanwhile.
     * Returns the last pass's result; a wait between passes that was stopped leaves the batch as that pass left it.
     */
    public BatchRunResult keepInSync(MigrationProject project, String batch, SecretStore secrets,
            MigrationListener listener, BooleanSupplier stopRequested, Duration every) throws MigrationException {
        if (every.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new MigrationException("Passes must be at least a second apart (asked: every " + every + ")");
        }
        clearStopRequest(project, batch);
        BatchControl control = project.control();
        BooleanSupplier stop = control.stopRequested(batch, stopRequested);
        project.keptInSync(batch, true);
        try {
            while (true) {
                Instant passStart = Instant.now();
                BatchRunResult result = run(project, batch, null, secrets, listener, stop, email -> false, false);
                if (stop.getAsBoolean() || result.state() == BatchState.STOPPED) {
                    return result;
                }
                Instant next = passStart.plus(every);
                control.setNextPass(batch, next);
                if (listener != null) {
                    listener.nextPassScheduled(batch, next);
                }
                while (Instant.now().isBefore(next)) {
                    if (stop.getAsBoolean()) {
                        return result;
                    }
                    Thread.sleep(Math.min(500, Math.max(1, Duration.between(Instant.now(), next).toMillis())));
                }
            }
        } catch (IOException e) {
            throw new MigrationException("Cannot record the next pass of '" + batch + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("Interrupted while waiting for the next pass of '" + batch + "'", e);
        } finally {
            project.keptInSync(batch, false);
            try {
                control.clearNextPass(batch);
            } catch (IOException e) {
                // a stale time is shown only while a process holds the project
            }
            clearStopRequest(project, batch);
        }
    }

    private static void clearStopRequest(MigrationProject project, String batch) throws MigrationException {
        try {
            project.control().clearStopRequest(batch);
        } catch (IOException e) {
            throw new MigrationException("Cannot clear the stop request of '" + batch + "' in " + project.folder()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs the final incremental pass, then marks the batch completed: it will not sync again. When a mailbox fails or
     * has failed messages in this pass the batch is not completed (state {@link BatchState#SYNCED_WITH_ERRORS} or
     * {@link BatchState#FAILED}); call it again after fixing the cause.
     */
    public BatchRunResult complete(MigrationProject project, String batch, SecretStore secrets, MigrationListener listener)
            throws MigrationException {
        return complete(project, batch, secrets, listener, () -> false);
    }

    /**
     * As {@link #complete(MigrationProject, String, SecretStore, MigrationListener)}, stopping early (resumably) once
     * {@code stopRequested} answers true: the batch is then {@link BatchState#STOPPED}, not completed, and completing
     * it again runs the final pass again.
     */
    public BatchRunResult complete(MigrationProject project, String batch, SecretStore secrets, MigrationListener listener,
            BooleanSupplier stopRequested) throws MigrationException {
        clearStopRequest(project, batch);
        return run(project, batch, null, secrets, listener, stopRequested, email -> false, true);
    }

    /**
     * The folders a pass over one mailbox of the batch would copy, as it would plan them now: the source's folders with
     * their message counts (listed and counted only, IMAP LIST and STATUS: nothing is read, nothing changes) and the
     * target folder each goes to (the target's folders are listed, none is created). For choosing exclusions and
     * mappings before the first pass.
     */
    public List<FolderPreview> previewFolders(MigrationProject project, String batch, String emailAddress,
            SecretStore secrets) throws MigrationException {
        BatchInfo info = project.requireBatch(batch);
        String email = emailAddress.trim().toLowerCase(Locale.ROOT);
        if (!info.mailboxes().contains(email)) {
            throw new MigrationException("Not in batch '" + batch + "': " + emailAddress);
        }
        MailboxEntry entry = project.mailbox(email)
                .orElseThrow(() -> new MigrationException(email + " is no longer in the project's mailbox list"));
        ProjectEndpoints endpoints = endpoints(project);
        Endpoint sourceEndpoint = endpoints.sourceEndpoint();
        Endpoint targetEndpoint = endpoints.targetEndpoint();
        SourceConnector source = endpoints.source();
        TargetConnector target = endpoints.target();
        Credentials sourceCredentials = project.sourceCredentials(entry, secrets);
        Credentials targetCredentials = project.targetCredentials(entry, secrets);
        requirePasswords(sourceCredentials, targetCredentials, target.needsSecret(targetEndpoint));
        Endpoint mailboxSource = entry.userRoot() == null || entry.userRoot().isBlank() ? sourceEndpoint
                : sourceEndpoint.with(USER_ROOT_SETTING, entry.userRoot());
        Map<FolderPath, FolderPath> recordedTargets = new HashMap<>();
        for (FolderStatus recorded : project.folderStatus(email)) {
            if (recorded.target() != null) {
                recordedTargets.put(recorded.source(), recorded.target());
            }
        }
        try (SourceSession sourceSession = source.open(mailboxSource, sourceCredentials);
                TargetSession targetSession = target.open(targetEndpoint, targetCredentials)) {
            List<PlannedFolder> plan = FolderPlanner.plan(sourceSession.listFolders(), targetSession.listFolders(),
                    info.options(), recordedTargets, targetSession::storablePath, targetSession.ignoresFolderNameCase());
            List<FolderPreview> preview = new ArrayList<>();
            for (PlannedFolder folder : plan) {
                long messages = folder.source().selectable() ? sourceSession.messageCount(folder.source()) : 0;
                preview.add(new FolderPreview(folder.source().path(), folder.copied() ? folder.target() : null, messages,
                        folder.source().specialUse() == null ? SpecialUse.NONE : folder.source().specialUse(),
                        folder.copied() ? folder.renameNote() : folder.excludedReason()));
            }
            return preview;
        } catch (ConnectorException e) {
            throw new MigrationException(email + ": cannot read its folders: " + describe(e), e);
        }
    }

    /** The project's two endpoints and the installed connectors that serve them. */
    private record ProjectEndpoints(Endpoint sourceEndpoint, SourceConnector source, Endpoint targetEndpoint,
            TargetConnector target) {
    }

    /** The project's endpoints with their connectors; says which is missing, set or installed. */
    private ProjectEndpoints endpoints(MigrationProject project) throws MigrationException {
        Endpoint sourceEndpoint = project.sourceEndpoint()
                .orElseThrow(() -> new MigrationException("The project has no source endpoint yet"));
        Endpoint targetEndpoint = project.targetEndpoint()
                .orElseThrow(() -> new MigrationException("The project has no target endpoint yet"));
        SourceConnector source = sourceConnector(sourceEndpoint.connectorId()).orElseThrow(() -> new MigrationException(
                "No source connector '" + sourceEndpoint.connectorId() + "' is installed"));
        TargetConnector target = targetConnector(targetEndpoint.connectorId()).orElseThrow(() -> new MigrationException(
                "No target connector '" + targetEndpoint.connectorId() + "' is installed"));
        return new ProjectEndpoints(sourceEndpoint, source, targetEndpoint, target);
    }

    /**
     * One pass; {@code localStop}: this process's stop, to which a stop requested by another process is added;
     * {@code only}: the mailboxes to pass over, null for all.
     */
    private BatchRunResult run(MigrationProject project, String batchName, Set<String> only, SecretStore secrets,
            MigrationListener userListener, BooleanSupplier localStop, Predicate<String> mailboxStop, boolean finalPass)
            throws MigrationException {
        BooleanSupplier stopRequested = project.control().stopRequested(batchName, localStop);
        BatchInfo batch = project.requireBatch(batchName);
        if (batch.state() == BatchState.COMPLETED) {
            throw new MigrationException("Batch '" + batchName + "' is completed and does not sync any more");
        }
        ProjectEndpoints endpoints = endpoints(project);
        Endpoint sourceEndpoint = endpoints.sourceEndpoint();
        Endpoint targetEndpoint = endpoints.targetEndpoint();
        SourceConnector source = endpoints.source();
        TargetConnector target = endpoints.target();
        ProjectStore store = project.store().project();
        Instant start = Instant.now();

        BatchLog log;
        try {
            log = new BatchLog(project.logsFolder(), batchName);
        } catch (IOException e) {
            throw new MigrationException("Cannot write the batch log in " + project.logsFolder() + ": " + e.getMessage(), e);
        }
        List<MigrationListener> all = new ArrayList<>();
        all.add(log);
        if (userListener != null) {
            all.add(userListener);
        }
        MigrationListener listener = new ListenerFanout(all);
        project.passStarted(batchName);
        try {
            store(() -> store.batchPassStarted(batchName, finalPass ? BatchState.COMPLETING : BatchState.SYNCING, start));
            List<String> passed = only == null ? batch.mailboxes()
                    : batch.mailboxes().stream().filter(only::contains).toList();
            listener.batchStarted(batchName, passed.size(), finalPass);
            BatchOptions options = batch.options();
            int sourceCap = connectionCap(sourceEndpoint);
            int targetCap = connectionCap(targetEndpoint);
            int lanes = Math.min(connectionsPerMailbox, Math.min(sourceCap, targetCap));
            int threads = Math.max(1, Math.min(Math.min(options.maxParallelMailboxes(), passed.size()),
                    Math.min(sourceCap, targetCap) / lanes));
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "mailferry-mailbox");
                t.setDaemon(true);
                return t;
            });
            List<MailboxState> outcomes = new ArrayList<>();
            // one retry schedule per endpoint for the whole pass: a server that is down is not retried per mailbox
            EndpointRetries sourceRetries = new EndpointRetries(true, maxAttempts, firstRetryDelay);
            EndpointRetries targetRetries = new EndpointRetries(false, maxAttempts, firstRetryDelay);
            Map<String, EndpointUnreachable> unreachable = new ConcurrentHashMap<>();
            try {
                List<Future<MailboxState>> futures = new ArrayList<>();
                for (String email : passed) {
                    BooleanSupplier mailboxStopRequested = () -> stopRequested.getAsBoolean() || mailboxStop.test(email);
                    futures.add(pool.submit(() -> runMailbox(project, batch, email, secrets, source, sourceEndpoint,
                            target, targetEndpoint, lanes, listener, mailboxStopRequested, sourceRetries, targetRetries,
                            unreachable, finalPass)));
                }
                for (Future<MailboxState> f : futures) {
                    try {
                        outcomes.add(f.get());
                    } catch (ExecutionException e) {
                        // only Errors get here (a crash): let them end the run as they would end the process
                        if (e.getCause() instanceof Error error) {
                            throw error;
                        }
                        throw new MigrationException("Internal error: " + e.getCause(), e.getCause());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new MigrationException("Interrupted", e);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            if (only != null) {
                // the batch's state speaks for all its mailboxes: the others count as their last pass left them
                for (MailboxStatus other : project.status(batchName)) {
                    if (!only.contains(other.emailAddress())) {
                        outcomes.add(switch (other.state()) {
                            case SYNCED, SYNCED_WITH_ERRORS, FAILED, COMPLETED -> other.state();
                            default -> MailboxState.STOPPED; // never synced, or stopped: the next start resumes it
                        });
                    }
                }
            }
            BatchState state = batchState(outcomes, stopRequested.getAsBoolean(), finalPass);
            if (state == BatchState.COMPLETED) {
                for (String email : batch.mailboxes()) {
                    store(() -> store.markMailboxCompleted(batchName, email));
                }
            }
            store(() -> store.batchPassFinished(batchName, state, Instant.now()));
            List<MailboxStatus> statuses = project.status(batchName);
            project.writeReport(batchName);
            BatchRunResult result = new BatchRunResult(batchName, state, statuses, Duration.between(start, Instant.now()),
                    log.file(), unreachableEndpoint(unreachable, outcomes));
            listener.batchFinished(result);
            return result;
        } finally {
            project.passEnded(batchName);
            log.close();
        }
    }

    /**
     * STOPPED when a stop was requested; FAILED when every mailbox failed; SYNCED_WITH_ERRORS when some failed or have
     * failed messages; else SYNCED, or COMPLETED after the final pass.
     */
    private static BatchState batchState(List<MailboxState> outcomes, boolean stopRequested, boolean finalPass) {
        if (stopRequested || outcomes.contains(MailboxState.STOPPED)) {
            return BatchState.STOPPED;
        }
        if (!outcomes.isEmpty() && outcomes.stream().allMatch(o -> o == MailboxState.FAILED)) {
            return BatchState.FAILED;
        }
        if (outcomes.stream().anyMatch(o -> o != MailboxState.SYNCED)) {
            return BatchState.SYNCED_WITH_ERRORS;
        }
        return finalPass ? BatchState.COMPLETED : BatchState.SYNCED;
    }

    /** One sentence when every mailbox failed because the same endpoint could not be reached; else null. */
    private static String unreachableEndpoint(Map<String, EndpointUnreachable> unreachable, List<MailboxState> outcomes) {
        if (outcomes.isEmpty() || unreachable.size() != outcomes.size()) {
            return null;
        }
        long sources = unreachable.values().stream().filter(EndpointUnreachable::source).count();
        if (sources != 0 && sources != unreachable.size()) {
            return null;
        }
        String reason = unreachable.values().iterator().next().getMessage().replaceFirst("^(Source|Target): ", "");
        return "The " + (sources != 0 ? "source" : "target") + " server could not be reached, so no mailbox was synced: "
                + reason;
    }

    private MailboxState runMailbox(MigrationProject project, BatchInfo batch, String email, SecretStore secrets,
            SourceConnector source, Endpoint sourceEndpoint, TargetConnector target, Endpoint targetEndpoint, int lanes,
            MigrationListener listener, BooleanSupplier stopRequested, EndpointRetries sourceRetries,
            EndpointRetries targetRetries, Map<String, EndpointUnreachable> unreachable, boolean finalPass)
            throws StoreException {
        ProjectStore store = project.store().project();
        if (stopRequested.getAsBoolean()) {
            return MailboxState.STOPPED; // not started: its state stays as the last pass left it
        }
        Instant start = Instant.now();
        store.mailboxPassStarted(batch.name(), email);
        listener.mailboxStarted(email);
        long copied = 0;
        Duration throttled = Duration.ZERO;
        String error = null;
        MailboxState state = MailboxState.SYNCED;
        try {
            MailboxEntry entry = store.mailbox(email)
                    .orElseThrow(() -> new MigrationException(email + " is no longer in the project's mailbox list"));
            Credentials sourceCredentials = project.sourceCredentials(entry, secrets);
            Credentials targetCredentials = project.targetCredentials(entry, secrets);
            requirePasswords(sourceCredentials, targetCredentials, target.needsSecret(targetEndpoint));
            Endpoint mailboxSource = entry.userRoot() == null || entry.userRoot().isBlank() ? sourceEndpoint
                    : sourceEndpoint.with(USER_ROOT_SETTING, entry.userRoot());
            SourceSide sourceSide = new SourceSide(source, mailboxSource, sourceCredentials);
            TargetSide targetSide = new TargetSide(target, targetEndpoint, targetCredentials);
            int unreachableAttempts = 0;
            for (int attempt = 1;; attempt++) {
                EndpointRetries.Turn sourceTurn = null;
                EndpointRetries.Turn targetTurn = null;
                try {
                    sourceTurn = sourceRetries.await(stopRequested);
                    targetTurn = sourceTurn == null ? null : targetRetries.await(stopRequested);
                    if (targetTurn == null) {
                        state = MailboxState.STOPPED;
                        error = STOPPED_REASON;
                        break;
                    }
                    MailboxSync sync = new MailboxSync(project.store().sync(), sourceSide, targetSide, email, batch.options(),
                            listener, stopRequested, hook, BYTE_BUDGET_PER_MAILBOX, lanes);
                    sync.watchEndpoints(isSource -> (isSource ? sourceRetries : targetRetries).reached());
                    try {
                        sync.run();
                        copied += sync.copied();
                        if (sync.stopped()) {
                            state = MailboxState.STOPPED;
                            error = STOPPED_REASON;
                        }
                        break;
                    } catch (EndpointUnreachable e) {
                        copied += sync.copied();
                        if (sync.copied() > 0) {
                            // a lane's connection failed mid-copy: the next attempt plans again what is left
                            listener.mailboxRetrying(email, attempt, e.getMessage(), Duration.ZERO);
                        }
                        // the endpoint's schedule decides when this mailbox tries again, or that it gives up
                        EndpointRetries.Outcome counted = (e.source() ? sourceRetries : targetRetries)
                                .unreachable(e, e.source() ? sourceTurn : targetTurn);
                        if (counted != null && counted.nextTry() != null) {
                            listener.notice(email, "The " + (e.source() ? "source" : "target") + " server could not be"
                                    + " reached (attempt " + counted.failures() + " of " + counted.maxAttempts()
                                    + "); the mailboxes wait " + counted.nextTry().toMillis() / 1000.0
                                    + " s for the next try: " + e.getMessage());
                        }
                        attempt--;
                        if (++unreachableAttempts >= 2 * maxAttempts) {
                            throw e; // the endpoint comes and goes: this mailbox stops trying for this pass
                        }
                    } catch (ConnectorException e) {
                        copied += sync.copied();
                        if (e.kind() == ConnectorException.Kind.THROTTLED && !stopRequested.getAsBoolean()) {
                            // asked to slow down: wait as long as the server says and go on; not a failed attempt
                            Duration wait = throttleWait(e.retryAfter());
                            if (throttled.plus(wait).compareTo(MAX_THROTTLED_PER_PASS) > 0) {
                                throw new ConnectorException(ConnectorException.Kind.THROTTLED, "The target kept"
                                        + " throttling this mailbox for more than " + MAX_THROTTLED_PER_PASS.toMinutes()
                                        + " minutes in this pass; the next pass goes on. Last answer: " + e.getMessage());
                            }
                            throttled = throttled.plus(wait);
                            listener.mailboxThrottled(email, e.getMessage(), wait);
                            attempt--;
                            if (!sleepUnlessStopped(wait, stopRequested)) {
                                state = MailboxState.STOPPED;
                                error = STOPPED_REASON;
                                break;
                            }
                            continue;
                        }
                        if (!e.kind().retryable() || attempt >= maxAttempts || stopRequested.getAsBoolean()) {
                            throw e;
                        }
                        Duration delay = firstRetryDelay.multipliedBy(1L << (attempt - 1));
                        listener.mailboxRetrying(email, attempt, e.getMessage(), delay);
                        if (!sleepUnlessStopped(delay, stopRequested)) {
                            state = MailboxState.STOPPED;
                            error = STOPPED_REASON;
                            break;
                        }
                    }
                } finally {
                    sourceRetries.turnEnded(sourceTurn);
                    targetRetries.turnEnded(targetTurn);
                }
            }
        } catch (EndpointUnreachable e) {
            state = MailboxState.FAILED;
            error = describe(e);
            unreachable.put(email, e);
        } catch (ConnectorException e) {
            state = MailboxState.FAILED;
            error = describe(e);
            if (e.kind() == ConnectorException.Kind.TARGET_REFUSES) {
                error += " (" + copied + " messages copied in this pass; the next pass tries again)";
            }
        } catch (MigrationException | StoreException e) {
            state = MailboxState.FAILED;
            error = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = MailboxState.STOPPED;
            error = "Interrupted; the next run resumes";
        } catch (RuntimeException e) {
            state = MailboxState.FAILED;
            error = "Internal error: " + e;
        }
        if (state == MailboxState.SYNCED) {
            long failed = store.mailboxStatuses(batch.name()).stream().filter(s -> s.emailAddress().equals(email))
                    .mapToLong(MailboxStatus::failed).sum();
            if (failed > 0) {
                state = MailboxState.SYNCED_WITH_ERRORS;
                error = failed + (failed == 1 ? " message" : " messages") + " failed (see the report); the next pass"
                        + " tries them again";
            }
        }
        store.mailboxPassFinished(batch.name(), email, state, copied, Duration.between(start, Instant.now()), throttled,
                error,
                Instant.now());
        for (MailboxStatus s : store.mailboxStatuses(batch.name())) {
            if (s.emailAddress().equals(email)) {
                listener.mailboxFinished(s);
            }
        }
        return state;
    }

    /** A throttled mailbox waits at most this long in all during one pass; then it fails and the next pass goes on. */
    static final Duration MAX_THROTTLED_PER_PASS = Duration.ofHours(2);

    /** The wait a throttled answer asks for, within sane bounds (a missing or absurd value must not stall a batch). */
    private static Duration throttleWait(Duration asked) {
        if (asked == null || asked.isNegative() || asked.isZero()) {
            return Duration.ofSeconds(1);
        }
        return asked.compareTo(Duration.ofMinutes(10)) > 0 ? Duration.ofMinutes(10) : asked;
    }

    private static final String STOPPED_REASON = "Stopped on request before the end; the next run resumes";

    /**
     * A mailbox is not logged in to with a blank password: a secret store that was lost (deleted, a project folder
     * copied to another computer) would otherwise cost one refused login per mailbox and pass, and may lock the
     * accounts.
     */
    private static void requirePasswords(Credentials source, Credentials target, boolean targetNeedsSecret)
            throws MigrationException {
        boolean noSource = source.password().isEmpty();
        boolean noTarget = targetNeedsSecret && target.password().isEmpty();
        if (noSource || noTarget) {
            String side = noSource && noTarget ? "Source and target" : noSource ? "Source" : "Target";
            throw new MigrationException(side + ": no stored password: import the CSV again or set it");
        }
    }

    /** Waits for {@code delay}; false when a stop was requested meanwhile. */
    private static boolean sleepUnlessStopped(Duration delay, BooleanSupplier stopRequested) throws InterruptedException {
        long end = System.nanoTime() + delay.toNanos();
        while (!stopRequested.getAsBoolean()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            Thread.sleep(Math.min(100, Math.max(1, left / 1_000_000)));
        }
        return false;
    }

    /** The endpoint setting through which a mailbox's UserRoot (from the CSV) reaches the source connector (IMAP: "user.root"). */
    public static final String USER_ROOT_SETTING = "user.root";

    private static String describe(ConnectorException e) {
        String kind = switch (e.kind()) {
            case AUTHENTICATION -> "Login refused";
            case CONNECTION -> "Connection failed";
            case UNTRUSTED_CERTIFICATE -> "Untrusted certificate" + (e.certificateSha256() == null ? ""
                    : " (SHA-256 " + e.certificateSha256() + ")");
            case PROTOCOL -> "Server error";
            case NOT_FOUND -> "Not found";
            case CONFIGURATION -> "Configuration error";
            case TARGET_REFUSES -> "Refused by the target";
            case THROTTLED -> "Throttled";
        };
        return kind + ": " + e.getMessage();
    }

    /** The endpoint's {@link Endpoint#MAX_CONNECTIONS} setting, at least 1; no cap when absent. */
    private static int connectionCap(Endpoint endpoint) throws MigrationException {
        try {
            return Math.max(1, endpoint.getInt(Endpoint.MAX_CONNECTIONS, Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw new MigrationException(endpoint.connectorId() + " endpoint: " + e.getMessage(), e);
        }
    }

    private interface StoreCall {
        void run() throws StoreException;
    }

    private static void store(StoreCall call) throws MigrationException {
        try {
            call.run();
        } catch (StoreException e) {
            throw new MigrationException(e.getMessage(), e);
        }
    }
}
