package dev.mailferry.connector.imap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.connector.imap.ImapSettings;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorSetting;
import dev.mailferry.core.spi.ConnectorSetting.Type;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The settings the IMAP connectors publish: complete, and in agreement with what the connector itself accepts. */
class ImapSettingsDescriptionTest {

    /** The keys ImapSettings defines: its String constants, less the connector id and the values of a key (SECURITY_SSL...). */
    private static Set<String> definedKeys() throws IllegalAccessException {
        List<Field> constants = new ArrayList<>();
        for (Field field : ImapSettings.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && !field.getName().equals("CONNECTOR_ID")) {
                constants.add(field);
            }
        }
        Set<String> names = new HashSet<>();
        constants.forEach(f -> names.add(f.getName()));
        Set<String> keys = new TreeSet<>();
        for (Field field : constants) {
            String name = field.getName();
            boolean valueOfAKey = names.stream().anyMatch(other -> name.startsWith(other + "_"));
            if (!valueOfAKey) {
                keys.add((String) field.get(null));
            }
        }
        return keys;
    }

    private static Set<String> keys(List<ConnectorSetting> settings) {
        Set<String> keys = new TreeSet<>();
        settings.forEach(s -> keys.add(s.key()));
        return keys;
    }

    @Test
    void everyKeyIsDescribedExceptThePerMailboxUserRoot() throws IllegalAccessException {
        Set<String> expectedSource = definedKeys();
        assertTrue(expectedSource.containsAll(Set.of("host", "port", "security", "auth", "admin.user", "admin.password",
                "admin.mode", "admin.separator", "tls.trust", "timeout.connect", "timeout.read", "user.root",
                "append.pipeline")), expectedSource.toString());
        expectedSource.remove(ImapSettings.USER_ROOT);
        Set<String> expectedTarget = new TreeSet<>(expectedSource);
        expectedSource.remove(ImapSettings.APPEND_PIPELINE);

        assertEquals(expectedSource, keys(new ImapSourceConnector().settings()));
        assertEquals(expectedTarget, keys(new ImapTargetConnector().settings()));
    }

    @Test
    void theAdminPasswordIsTheOnlySecretAndHostIsRequired() {
        for (List<ConnectorSetting> settings : List.of(ImapSettings.sourceSettings(), ImapSettings.targetSettings())) {
            for (ConnectorSetting setting : settings) {
                assertEquals(setting.key().equals(ImapSettings.ADMIN_PASSWORD), setting.type() == Type.SECRET, setting.key());
                assertEquals(setting.key().equals(ImapSettings.HOST), setting.required(), setting.key());
                assertFalse(setting.help().isBlank(), setting.key());
            }
        }
        ConnectorSetting port = ConnectorSetting.find(ImapSettings.sourceSettings(), ImapSettings.PORT).orElseThrow();
        assertEquals(Type.PORT, port.type());
        assertEquals(Type.SHA256, ConnectorSetting.find(ImapSettings.sourceSettings(), ImapSettings.TLS_TRUST).orElseThrow().type());
    }

    /** The defaults and choices a form offers are what the connector takes; what the description refuses, it refuses. */
    @Test
    void descriptionAndConnectorAgree() throws ConnectorException {
        Endpoint defaults = new Endpoint(ImapSettings.CONNECTOR_ID, Map.of(ImapSettings.HOST, "mail.example.com"));
        for (ConnectorSetting setting : ImapSettings.targetSettings()) {
            if (setting.defaultValue() != null) {
                defaults = defaults.with(setting.key(), setting.defaultValue());
            }
        }
        ImapEndpoint parsed = ImapEndpoint.parse(defaults);
        assertEquals(993, parsed.port());
        assertEquals(ImapEndpoint.Security.SSL, parsed.security());
        assertEquals(64, parsed.appendPipeline());
        assertEquals(300_000, parsed.readTimeoutMillis());
        for (ConnectorSetting setting : ImapSettings.targetSettings()) {
            for (String choice : setting.choices()) {
                ImapEndpoint.parse(defaults.with(setting.key(), choice));
            }
        }
        Endpoint base = defaults;
        for (String[] refused : new String[][] { { ImapSettings.PORT, "99999" }, { ImapSettings.PORT, "-1" },
                { ImapSettings.SECURITY, "tls" }, { ImapSettings.AUTH, "kerberos" }, { ImapSettings.ADMIN_MODE, "root" },
                { ImapSettings.TLS_TRUST, "nonsense" } }) {
            ConnectorSetting setting = ConnectorSetting.find(ImapSettings.targetSettings(), refused[0]).orElseThrow();
            assertThrows(IllegalArgumentException.class, () -> setting.validate(refused[1]), refused[0]);
            assertThrows(ConnectorException.class, () -> ImapEndpoint.parse(base.with(refused[0], refused[1])), refused[0]);
        }
    }
}
