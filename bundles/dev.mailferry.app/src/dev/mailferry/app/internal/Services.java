package dev.mailferry.app.internal;

import dev.mailferry.core.secret.EncryptedFileSecretStore;
import dev.mailferry.core.secret.SecretStore;
import dev.mailferry.core.spi.SourceConnector;
import dev.mailferry.core.spi.TargetConnector;
import dev.mailferry.engine.MigrationEngine;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/**
 * What commands need from the OSGi runtime: the engine (a DS component that gathers every installed connector) and
 * the user's secret store.
 */
final class Services {

    private static final long SERVICE_WAIT_MILLIS = 10_000;

    private MigrationEngine engine;
    private SecretStore secrets;
    /** The folder of the user's store in {@link #secrets}, or null when {@link #useSecrets} chose the store. */
    private java.nio.file.Path secretsFolder;

    synchronized MigrationEngine engine() {
        if (engine == null) {
            Bundle bundle = FrameworkUtil.getBundle(Services.class);
            BundleContext context = bundle == null ? null : bundle.getBundleContext();
            if (context == null) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, "mailferry must run inside its OSGi runtime");
            }
            ServiceTracker<MigrationEngine, MigrationEngine> tracker = new ServiceTracker<>(context, MigrationEngine.class, null);
            tracker.open();
            try {
                engine = tracker.waitForService(SERVICE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (engine == null) {
                throw new CommandFailure(ExitCodes.CONFIGURATION,
                        "the migration engine service did not start (is org.apache.felix.scr running?)");
            }
        }
        return engine;
    }

    /** The source connector with this id; waits briefly because DS may still be binding connectors at start-up. */
    SourceConnector sourceConnector(String id) {
        return waitFor(() -> engine().sourceConnector(id)).orElseThrow(() -> new CommandFailure(ExitCodes.CONFIGURATION,
                "no source connector '" + id + "' is installed; installed: "
                        + engine().sourceConnectors().stream().map(SourceConnector::id).toList()));
    }

    TargetConnector targetConnector(String id) {
        return waitFor(() -> engine().targetConnector(id)).orElseThrow(() -> new CommandFailure(ExitCodes.CONFIGURATION,
                "no target connector '" + id + "' is installed; installed: "
                        + engine().targetConnectors().stream().map(TargetConnector::id).toList()));
    }

    /** Uses {@code store} instead of the user's secret store from now on (the demo keeps its throwaway secrets apart). */
    synchronized void useSecrets(SecretStore store) {
        secrets = store;
        secretsFolder = null;
    }

    /**
     * The secret store: the user's, in the folder {@link EncryptedFileSecretStore#defaultDirectory()} names now (one
     * JVM may run commands for several secret folders, as the tests do), unless {@link #useSecrets} chose another.
     */
    synchronized SecretStore secrets() {
        if (secrets == null
                || (secretsFolder != null && !secretsFolder.equals(EncryptedFileSecretStore.defaultDirectory()))) {
            // what the store repaired (a folder others could enter) is said on stderr, where it does not mix with output
            secrets = EncryptedFileSecretStore.forCurrentUser(warning -> System.err.println("mailferry: " + warning));
            secretsFolder = EncryptedFileSecretStore.defaultDirectory();
        }
        return secrets;
    }

    /** Where the secrets are kept, for people: {@code /home/x/.config/mailferry (encrypted; key secrets.key)}. */
    synchronized String secretsLocation() {
        SecretStore store = secrets();
        return store instanceof EncryptedFileSecretStore file
                ? file.directory() + " (encrypted; key " + EncryptedFileSecretStore.KEY_FILE + ")"
                : store.getClass().getSimpleName();
    }

    private static <T> Optional<T> waitFor(java.util.function.Supplier<Optional<T>> lookup) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        Optional<T> found = lookup.get();
        while (found.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            found = lookup.get();
        }
        return found;
    }
}
