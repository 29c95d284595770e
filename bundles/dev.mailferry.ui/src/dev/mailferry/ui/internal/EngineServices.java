package dev.mailferry.ui.internal;

import dev.mailferry.core.secret.EncryptedFileSecretStore;
import dev.mailferry.core.secret.SecretStore;
import dev.mailferry.engine.MigrationEngine;
import dev.mailferry.engine.MigrationException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/**
 * What the workbench needs from the OSGi runtime: the engine (a DS component that gathers every installed connector)
 * and the user's secret store, the same one the command line uses. Called from jobs only: waiting for the engine
 * service must never block the UI thread.
 */
final class EngineServices {

    private static final long SERVICE_WAIT_MILLIS = 10_000;

    private EngineServices() {
    }

    static MigrationEngine engine() throws MigrationException {
        Bundle bundle = FrameworkUtil.getBundle(EngineServices.class);
        BundleContext context = bundle == null ? null : bundle.getBundleContext();
        if (context == null) {
            throw new MigrationException("The workbench is not running inside its OSGi runtime");
        }
        ServiceTracker<MigrationEngine, MigrationEngine> tracker = new ServiceTracker<>(context, MigrationEngine.class, null);
        tracker.open();
        try {
            MigrationEngine engine = tracker.waitForService(SERVICE_WAIT_MILLIS);
            if (engine == null) {
                throw new MigrationException("The migration engine service did not start (is org.apache.felix.scr running?)");
            }
            return engine;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("Interrupted while waiting for the migration engine");
        } finally {
            tracker.close(); // the engine is a DS component of the whole runtime: it outlives this lookup
        }
    }

    /** A fresh handle on the user's secret store; it reads its folder (mailferry.secrets.dir...) each time. */
    static SecretStore secrets() {
        return EncryptedFileSecretStore.forCurrentUser(warning -> { });
    }
}
