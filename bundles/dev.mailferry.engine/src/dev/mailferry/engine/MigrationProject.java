package dev.mailferry.engine;

import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.secret.SecretStore;
import dev.mailferry.engine.internal.BatchControl;
import dev.mailferry.engine.internal.JdbcStateStore;
import dev.mailferry.engine.internal.MessageStatus;
import dev.mailferry.engine.internal.ProjectFile;
import dev.mailferry.engine.internal.ReportWriter;
import dev.mailferry.engine.internal.StateStore;
import dev.mailferry.engine.internal.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A migration project: a folder holding a human-editable project file ({@value #PROJECT_FILE}: name, id, source and
 * target endpoints, never a secret), the state database ({@value #STATE_DB}: mailboxes, batches, per-folder sync
 * state, message map, journal), and the {@code reports/} and {@code logs/} folders.
 *
 * <p>Secrets go to the {@link SecretStore} handed in, under {@link SecretKeys} derived from {@link #id()}.
 *
 * <p>A project is opened by one process at a time (the database file is locked); others may open it
 * {@linkplain #openReadOnly read-only} meanwhile, to watch a pass. Methods are thread safe.
 */
public final class MigrationProject implements AutoCloseable {

    public static final String PROJECT_FILE = "mailferry-project.properties";
    public static final String STATE_DB = JdbcStateStore.FILE_NAME;

    /** Batches a pass runs over in this process, as "folder NUL batch". */
    private static final Set<String> RUNNING_PASSES = ConcurrentHashMap.newKeySet();
    /** Batches this process keeps in sync on a schedule (also between their passes), as "folder NUL batch". */
    private static final Set<String> KEPT_IN_SYNC = ConcurrentHashMap.newKeySet();

    private final Path folder;
    private final StateStore store;
    private final boolean readOnly;
    private ProjectFile file;

    private MigrationProject(Path folder, ProjectFile file, StateStore store) {
        this(folder, file, store, false);
    }

    private MigrationProject(Path folder, ProjectFile file, StateStore store, boolean readOnly) {
        this.folder = folder;
        this.file = file;
        this.store = store;
        this.readOnly = readOnly;
    }

    /** Creates a new project in {@code folder} (created if missing; must not already hold a project). */
    public static MigrationProject create(Path folder, String name) throws MigrationException {
        if (name == null || name.isBlank()) {
            throw new MigrationException("A project needs a name");
        }
        Path projectFile = folder.resolve(PROJECT_FILE);
        if (Files.exists(projectFile) || Files.exists(folder.resolve(STATE_DB))) {
            throw new MigrationException("There is already a project in " + folder);
        }
        ProjectFile file = new ProjectFile(UUID.randomUUID().toString(), name.trim(), null, null);
        try {
            Files.createDirectories(folder.resolve("reports"));
            Files.createDirectories(folder.resolve("logs"));
            file.write(projectFile);
        } catch (IOException e) {
            throw new MigrationException("Cannot create the project in " + folder + ": " + e.getMessage(), e);
        }
        return new MigrationProject(folder, file, openStore(folder));
    }

    /** Opens an existing project folder. */
    public static MigrationProject open(Path folder) throws MigrationException {
        ProjectFile file = readProjectFile(folder);
        try {
            Files.createDirectories(folder.resolve("reports"));
            Files.createDirectories(folder.resolve("logs"));
        } catch (IOException e) {
            throw new MigrationException("Cannot read the project in " + folder + ": " + e.getMessage(), e);
        }
        return new MigrationProject(folder, file, openStore(folder));
    }

    /**
     * Opens an existing project folder for reading only (status, lists, reports), also while another process works on
     * it, e.g. runs a pass: never waits for that process and never writes to the state database. Methods that change
     * the project fail.
     */
    public static MigrationProject openReadOnly(Path folder) throws MigrationException {
        ProjectFile file = readProjectFile(folder);
        try {
            return new MigrationProject(folder, file, JdbcStateStore.openReadOnly(folder), true);
        } catch (StoreException e) {
            throw new MigrationException(e.getMessage(), e);
        }
    }

    private static ProjectFile readProjectFile(Path folder) throws MigrationException {
        Path projectFile = folder.resolve(PROJECT_FILE);
        if (!Files.isRegularFile(projectFile)) {
            throw new MigrationException("No Mailferry project in " + folder + " (" + PROJECT_FILE + " is missing)");
        }
        try {
            return ProjectFile.read(projectFile);
        } catch (IOException e) {
            throw new MigrationException("Cannot read the project in " + folder + ": " + e.getMessage(), e);
        }
    }

    /** True when opened with {@link #openReadOnly}. */
    public boolean isReadOnly() {
        return readOnly;
    }

    void passStarted(String batch) {
        RUNNING_PASSES.add(runningKey(batch));
    }

    void passEnded(String batch) {
        RUNNING_PASSES.remove(runningKey(batch));
    }

    void keptInSync(String batch, boolean kept) {
        if (kept) {
            KEPT_IN_SYNC.add(runningKey(batch));
        } else {
            KEPT_IN_SYNC.remove(runningKey(batch));
        }
    }

    private String runningKey(String batch) {
        return folder.toAbsolutePath().normalize() + "\0" + batch;
    }

    /**
     * Whether a pass may be running over the batch: in this process, or in another one that has the project open. A
     * stored SYNCING without one is what a killed process left behind.
     */
    public boolean passMayRun(String batch) {
        return RUNNING_PASSES.contains(runningKey(batch)) || KEPT_IN_SYNC.contains(runningKey(batch))
                || JdbcStateStore.isOpenInAnotherProcess(folder);
    }

    private BatchInfo shown(BatchInfo b) {
        if ((b.state() == BatchState.SYNCING || b.state() == BatchState.COMPLETING) && !passMayRun(b.name())) {
            return new BatchInfo(b.name(), BatchState.INTERRUPTED, b.options(), b.mailboxes(), b.created(),
                    b.lastSyncStart(), b.lastSyncEnd(), b.passes());
        }
        return b;
    }

    private static MailboxStatus interrupted(MailboxStatus m) {
        return m.state() != MailboxState.SYNCING ? m : new MailboxStatus(m.emailAddress(), MailboxState.INTERRUPTED,
                m.copied(), m.skipped(), m.failed(), m.bytes(), m.vanished(), m.lastPassCopied(), m.lastPassDuration(),
                m.lastPassThrottled(), m.lastError(), m.lastSyncEnd());
    }

    private static StateStore openStore(Path folder) throws MigrationException {
        try {
            return JdbcStateStore.openEmbedded(folder);
        } catch (StoreException e) {
            throw new MigrationException(e.getMessage(), e);
        }
    }

    public String id() {
        return file.id();
    }

    public synchronized String name() {
        return file.name();
    }

    public Path folder() {
        return folder;
    }

    /** Signals between processes about this project's batches (stop requests, the next scheduled pass). */
    BatchControl control() {
        return new BatchControl(folder);
    }

    /**
     * Asks the pass running over {@code batch}, in this process or in another one (the command line, a workbench), to
     * stop at its next safe point, as Ctrl-C does; a process keeping the batch in sync on a schedule ends too. Allowed
     * on a project opened read-only. Returns false, asking nothing, when no process is running a pass over the batch.
     */
    public boolean requestStop(String batch) throws MigrationException {
        if (!passMayRun(batch)) {
            return false;
        }
        try {
            control().requestStop(batch);
            return true;
        } catch (IOException e) {
            throw new MigrationException("Cannot ask the running pass of '" + batch + "' to stop: " + e.getMessage(), e);
        }
    }

    /** When the next scheduled pass over {@code batch} starts, while a process keeps it in sync on a schedule. */
    public Optional<Instant> nextPass(String batch) {
        return passMayRun(batch) ? control().nextPass(batch) : Optional.empty();
    }

    public Path reportsFolder() {
        return folder.resolve("reports");
    }

    public Path logsFolder() {
        return folder.resolve("logs");
    }

    public synchronized Optional<Endpoint> sourceEndpoint() {
        return Optional.ofNullable(file.source());
    }

    public synchronized Optional<Endpoint> targetEndpoint() {
        return Optional.ofNullable(file.target());
    }

    /** Sets the source endpoint and saves the project file. */
    public synchronized void setSourceEndpoint(Endpoint endpoint) throws MigrationException {
        save(file.withSource(endpoint));
    }

    /** Sets the target endpoint and saves the project file. */
    public synchronized void setTargetEndpoint(Endpoint endpoint) throws MigrationException {
        save(file.withTarget(endpoint));
    }

    private void save(ProjectFile changed) throws MigrationException {
        try {
            changed.write(folder.resolve(PROJECT_FILE));
            file = changed;
        } catch (IOException e) {
            throw new MigrationException("Cannot save " + folder.resolve(PROJECT_FILE) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The keys (never the values) of the project file's lines that look like secrets, e.g. {@code source.password}
     * from an older Mailferry; empty for a file this version wrote. See {@link #moveSecretsFromProjectFile}.
     */
    public List<String> secretsInProjectFile() throws MigrationException {
        try {
            return List.copyOf(ProjectFile.secretLines(folder.resolve(PROJECT_FILE)).keySet());
        } catch (IOException e) {
            throw new MigrationException("Cannot read " + folder.resolve(PROJECT_FILE) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves secrets that an older Mailferry wrote in plain text into the project file (any key that
     * {@linkplain dev.mailferry.core.spi.ConnectorSetting#looksSecret(String) looks like a secret}, e.g.
     * {@code source.password} from {@code --set}) into {@code secrets}, under {@link SecretKeys#movedFromProjectFile},
     * then rewrites the file without them. They were never used (the endpoints leave them out) and are not used now:
     * the caller tells the user where a password belongs. When the store fails, the file is left as it is.
     *
     * @return the moved property keys (never the values), empty when the file held no secret
     */
    public synchronized List<String> moveSecretsFromProjectFile(SecretStore secrets) throws MigrationException {
        Path projectFile = folder.resolve(PROJECT_FILE);
        Map<String, String> found;
        try {
            found = ProjectFile.secretLines(projectFile);
            for (Map.Entry<String, String> line : found.entrySet()) {
                if (!line.getValue().isEmpty()) {
                    secrets.put(SecretKeys.movedFromProjectFile(id(), line.getKey()), Secret.of(line.getValue()));
                }
            }
        } catch (IOException e) {
            throw new MigrationException("Cannot move the secrets of " + projectFile + " into the secret store: "
                    + e.getMessage(), e);
        }
        if (!found.isEmpty()) {
            save(file);
        }
        return List.copyOf(found.keySet());
    }

    /**
     * Adds mailboxes, replacing entries with the same e-mail address (case-insensitive), and stores their non-empty
     * secrets in {@code secrets}, all in one {@link SecretStore#putAll} (a store may rewrite a whole file per call).
     */
    public void putMailboxes(Collection<MailboxImport> mailboxes, SecretStore secrets) throws MigrationException, IOException {
        List<MailboxEntry> entries = new ArrayList<>();
        Map<String, Secret> passwords = new LinkedHashMap<>();
        for (MailboxImport m : mailboxes) {
            String email = m.entry().emailAddress();
            if (!m.sourcePassword().isEmpty()) {
                passwords.put(SecretKeys.mailboxSource(id(), email), m.sourcePassword());
            }
            if (!m.targetPassword().isEmpty()) {
                passwords.put(SecretKeys.mailboxTarget(id(), email), m.targetPassword());
            }
            entries.add(m.entry());
        }
        secrets.putAll(passwords);
        call(() -> {
            store.project().putMailboxes(entries);
            return null;
        });
    }

    /** All mailboxes, ordered by e-mail address (stored in lower case). */
    public List<MailboxEntry> mailboxes() throws MigrationException {
        return call(store.project()::mailboxes);
    }

    public Optional<MailboxEntry> mailbox(String emailAddress) throws MigrationException {
        return call(() -> store.project().mailbox(emailAddress));
    }

    /**
     * Creates a batch of the given mailboxes (all the project's mailboxes when {@code emailAddresses} is empty). Fails
     * when the name is taken or an address is not in the project.
     */
    public synchronized BatchInfo createBatch(String name, Collection<String> emailAddresses, BatchOptions options)
            throws MigrationException {
        if (name == null || name.isBlank()) {
            throw new MigrationException("A batch needs a name");
        }
        if (batch(name).isPresent()) {
            throw new MigrationException("There is already a batch named '" + name + "'");
        }
        Set<String> emails = new LinkedHashSet<>();
        if (emailAddresses.isEmpty()) {
            mailboxes().forEach(m -> emails.add(m.emailAddress()));
        } else {
            List<String> unknown = new ArrayList<>();
            for (String email : emailAddresses) {
                String key = email.trim().toLowerCase(Locale.ROOT);
                if (mailbox(key).isEmpty()) {
                    unknown.add(email);
                }
                emails.add(key);
            }
            if (!unknown.isEmpty()) {
                throw new MigrationException("Not in the project's mailbox list: " + String.join(", ", unknown));
            }
        }
        if (emails.isEmpty()) {
            throw new MigrationException("The project has no mailboxes yet; import the CSV first");
        }
        call(() -> {
            store.project().createBatch(name.trim(), options, List.copyOf(emails), Instant.now());
            return null;
        });
        return batch(name.trim()).orElseThrow();
    }

    /**
     * The project's batches. A batch whose pass was killed (no process runs it any more) is shown
     * {@link BatchState#INTERRUPTED}, not as the SYNCING it was left in.
     */
    public List<BatchInfo> batches() throws MigrationException {
        return call(store.project()::batches).stream().map(this::shown).toList();
    }

    public Optional<BatchInfo> batch(String name) throws MigrationException {
        return call(() -> store.project().batch(name)).map(this::shown);
    }

    /**
     * Replaces the batch's options (excluded folders, folder mapping, limits); the next pass plans with them, as if the
     * batch had been created with them. Refused while a pass runs over the batch and once it is completed.
     */
    public synchronized BatchInfo setBatchOptions(String batch, BatchOptions options) throws MigrationException {
        requireChangeable(batch);
        call(() -> {
            store.project().setBatchOptions(batch, options);
            return null;
        });
        return requireBatch(batch);
    }

    /**
     * Takes mailboxes out of the batch; what was copied stays on the target and in the mailbox's records, so a batch
     * that takes the mailbox later goes on from there. Refused while a pass runs over the batch, for an address not in
     * the batch, and when no mailbox would be left.
     */
    public synchronized BatchInfo removeFromBatch(String batch, Collection<String> emailAddresses) throws MigrationException {
        BatchInfo info = requireChangeable(batch);
        Set<String> remove = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String email : emailAddresses) {
            String key = email.trim().toLowerCase(Locale.ROOT);
            if (!info.mailboxes().contains(key)) {
                unknown.add(email);
            }
            remove.add(key);
        }
        if (!unknown.isEmpty()) {
            throw new MigrationException("Not in batch '" + batch + "': " + String.join(", ", unknown));
        }
        if (remove.size() >= info.mailboxes().size()) {
            throw new MigrationException("Batch '" + batch + "' would have no mailbox left; keep at least one");
        }
        call(() -> {
            store.project().removeFromBatch(batch, remove);
            return null;
        });
        return requireBatch(batch);
    }

    private BatchInfo requireChangeable(String batch) throws MigrationException {
        BatchInfo info = requireBatch(batch);
        if (readOnly) {
            throw new MigrationException("The project " + folder + " is open read-only");
        }
        if (passMayRun(batch)) {
            throw new MigrationException("A pass is running over batch '" + batch + "'; stop it first");
        }
        if (info.state() == BatchState.COMPLETED) {
            throw new MigrationException("Batch '" + batch + "' is completed and does not change any more");
        }
        return info;
    }

    /**
     * Every message of the batch's mailboxes that the last pass skipped or could not copy, with its reason, mailbox by
     * mailbox (what the detail report lists); read a row at a time, so a long list is not held in memory.
     */
    public void forEachMessageProblem(String batch, java.util.function.Consumer<MessageProblem> consumer)
            throws MigrationException {
        BatchInfo info = requireBatch(batch);
        for (String email : info.mailboxes()) {
            call(() -> {
                store.project().forEachProblem(email, (folder, uid, messageId, size, date, status, reason) -> consumer.accept(
                        new MessageProblem(email, folder, uid, messageId, size, date, status == MessageStatus.FAILED,
                                reason)));
                return null;
            });
        }
    }

    /**
     * Status of every mailbox of the batch, ordered by e-mail address; a mailbox left SYNCING by a killed pass is
     * shown {@link MailboxState#INTERRUPTED}.
     */
    public List<MailboxStatus> status(String batch) throws MigrationException {
        requireBatch(batch);
        List<MailboxStatus> status = call(() -> store.project().mailboxStatuses(batch));
        return passMayRun(batch) ? status : status.stream().map(MigrationProject::interrupted).toList();
    }

    /** Status of every source folder of one mailbox, in the order they were first seen. */
    public List<FolderStatus> folderStatus(String emailAddress) throws MigrationException {
        return call(() -> store.project().folderStatuses(emailAddress));
    }

    /** Writes the batch's summary and detail CSV files to {@link #reportsFolder()}, replacing earlier ones. */
    public ReportFiles writeReport(String batch) throws MigrationException {
        BatchInfo info = requireBatch(batch);
        try {
            return new ReportWriter(store.project()).write(info, reportsFolder());
        } catch (IOException e) {
            throw new MigrationException("Cannot write the report of batch " + batch + ": " + e.getMessage(), e);
        } catch (StoreException e) {
            throw new MigrationException(e.getMessage(), e);
        }
    }

    BatchInfo requireBatch(String batch) throws MigrationException {
        return batch(batch).orElseThrow(() -> new MigrationException("No batch named '" + batch + "' in project " + name()));
    }

    StateStore store() {
        return store;
    }

    private interface StoreCall<T> {
        T run() throws StoreException;
    }

    private static <T> T call(StoreCall<T> call) throws MigrationException {
        try {
            return call.run();
        } catch (StoreException e) {
            throw new MigrationException(e.getMessage(), e);
        }
    }

    /**
     * How the source connector logs in to one mailbox: the mailbox's source login with the endpoint's own secret (an
     * admin or master password) when the endpoint has one, else the mailbox's password from the CSV.
     */
    public Credentials sourceCredentials(MailboxEntry entry, SecretStore secrets) throws MigrationException {
        return new Credentials(entry.sourceUserName(), secret(secrets, SecretKeys.sourceEndpoint(id()),
                SecretKeys.mailboxSource(id(), entry.emailAddress())));
    }

    /**
     * How the target connector logs in to one mailbox: the mailbox's target login with the endpoint's own secret (an
     * admin password, an app's client secret) when the endpoint has one, else the mailbox's target password.
     */
    public Credentials targetCredentials(MailboxEntry entry, SecretStore secrets) throws MigrationException {
        return new Credentials(entry.effectiveTargetUserName(), secret(secrets, SecretKeys.targetEndpoint(id()),
                SecretKeys.mailboxTarget(id(), entry.emailAddress())));
    }

    /** An endpoint-wide secret wins: with admin credentials set, the CSV's per-user passwords are not the admin's. */
    private static Secret secret(SecretStore secrets, String endpointKey, String mailboxKey) throws MigrationException {
        try {
            Optional<Secret> endpointSecret = secrets.get(endpointKey);
            if (endpointSecret.isPresent() && !endpointSecret.get().isEmpty()) {
                return endpointSecret.get();
            }
            return secrets.get(mailboxKey).orElse(Secret.empty());
        } catch (IOException e) {
            throw new MigrationException("Cannot read the secret store: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
