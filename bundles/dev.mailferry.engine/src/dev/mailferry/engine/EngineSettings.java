package dev.mailferry.engine;

import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.spi.ConnectorSetting;
import java.util.List;
import java.util.Set;

/**
 * The endpoint settings the engine reads itself, for every connector: a form or the command line offers them beside
 * the connector's own {@code settings()}.
 */
public final class EngineSettings {

    private EngineSettings() {
    }

    /** Settings a user may give for any endpoint. */
    public static List<ConnectorSetting> all() {
        return List.of(ConnectorSetting.integer(Endpoint.MAX_CONNECTIONS, "Connection limit", 1, 10_000,
                "Most connections to this endpoint at once, all mailboxes of a batch together; no cap when not set."));
    }

    /** Settings the engine sets per mailbox (from the CSV), which a user never gives for the endpoint. */
    public static Set<String> perMailbox() {
        return Set.of(MigrationEngine.USER_ROOT_SETTING);
    }
}
