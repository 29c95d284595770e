package dev.mailferry.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectorSettingTest {

    private static final String FINGERPRINT = "3A9F0C6B7E21D4485F6A9B0C1D2E3F405162738495A6B7C8D9E0F10213243546";

    private static String refusal(ConnectorSetting setting, String value) {
        return assertThrows(IllegalArgumentException.class, () -> setting.validate(value)).getMessage();
    }

    @Test
    void portTakesOneTo65535AndNamesKeyAndValueWhenNot() {
        ConnectorSetting port = ConnectorSetting.port("port", "Port", "TCP port.");
        assertEquals("993", port.validate(" 0993 "));
        assertEquals("1", port.validate("1"));
        assertEquals("65535", port.validate("65535"));
        assertEquals("Setting 'port' must be a whole number from 1 to 65535, not '99999'", refusal(port, "99999"));
        assertEquals("Setting 'port' must be a whole number from 1 to 65535, not '-1'", refusal(port, "-1"));
        assertTrue(refusal(port, "0").contains("not '0'"));
        assertTrue(refusal(port, "imaps").contains("not 'imaps'"));
        assertTrue(refusal(port, "99999999999999999999").contains("whole number"));
    }

    @Test
    void integerKeepsToItsRange() {
        ConnectorSetting connections = ConnectorSetting.integer("connections.max", "Connection limit", 1, 100, "Cap.");
        assertEquals("7", connections.validate("7"));
        assertEquals("Setting 'connections.max' must be a whole number from 1 to 100, not '0'", refusal(connections, "0"));
        assertTrue(refusal(connections, "101").contains("not '101'"));
        assertTrue(refusal(connections, "1.5").contains("not '1.5'"));
    }

    @Test
    void choiceIgnoresCaseAndSavesTheListedSpelling() {
        ConnectorSetting security = ConnectorSetting.choice("security", "Security", "Transport.", "ssl", "starttls", "none");
        assertEquals("ssl", security.validate("SSL"));
        assertEquals("starttls", security.validate(" StartTLS "));
        assertEquals("Setting 'security' must be one of ssl, starttls, none, not 'tls'", refusal(security, "tls"));
    }

    @Test
    void booleanTakesTheUsualSpellings() {
        ConnectorSetting flag = ConnectorSetting.bool("subscribe", "Subscribe", "Subscribe new folders.");
        for (String yes : new String[] { "true", "YES", "on", "1" }) {
            assertEquals("true", flag.validate(yes), yes);
        }
        for (String no : new String[] { "false", "No", "off", "0" }) {
            assertEquals("false", flag.validate(no), no);
        }
        assertEquals("Setting 'subscribe' must be true or false, not 'maybe'", refusal(flag, "maybe"));
    }

    @Test
    void fingerprintIsSavedAsUpperCaseHexWithoutColons() {
        ConnectorSetting trust = ConnectorSetting.sha256("tls.trust", "Trusted certificate", "Fingerprint.");
        StringBuilder withColons = new StringBuilder();
        for (int i = 0; i < FINGERPRINT.length(); i += 2) {
            withColons.append(i == 0 ? "" : ":").append(FINGERPRINT, i, i + 2);
        }
        assertEquals(FINGERPRINT, trust.validate(withColons.toString().toLowerCase(java.util.Locale.ROOT)));
        assertEquals(FINGERPRINT, trust.validate(FINGERPRINT));
        assertEquals("Setting 'tls.trust' must be a SHA-256 fingerprint (64 hex digits, colons allowed), not 'nonsense'",
                refusal(trust, "nonsense"));
        assertTrue(refusal(trust, FINGERPRINT.substring(1)).contains("64 hex digits"));
        assertTrue(refusal(trust, FINGERPRINT.replace('A', 'G')).contains("64 hex digits"));
    }

    @Test
    void textIsTrimmedAndOneLine() {
        ConnectorSetting host = ConnectorSetting.text("host", "Host", "Server.");
        assertEquals("mail.example.com", host.validate("  mail.example.com "));
        assertTrue(refusal(host, "mail\nexample").contains("one line"));
    }

    @Test
    void blankMeansNotSetUnlessRequired() {
        ConnectorSetting optional = ConnectorSetting.port("port", "Port", "TCP port.");
        assertNull(optional.validate(null));
        assertNull(optional.validate(" "));
        ConnectorSetting host = ConnectorSetting.text("host", "Host", "Server.").asRequired();
        assertTrue(host.required());
        assertEquals("Setting 'host' is required (Host)", refusal(host, ""));
        assertEquals("Setting 'host' is required (Host)", refusal(host, null));
    }

    @Test
    void aSecretIsTakenAsTypedAndNeverRepeatedInAMessage() {
        ConnectorSetting secret = ConnectorSetting.secret("admin.password", "Admin password", "Kept in the store.").asRequired();
        assertEquals(" pass word ", secret.validate(" pass word "));
        assertFalse(refusal(secret, "").contains("not '"));
        assertThrows(IllegalArgumentException.class, () -> ConnectorSetting.secret("client.secret", "Secret", "x").withDefault("s3"));
    }

    @Test
    void defaultsAreValidatedAndNormalised() {
        assertEquals("ssl", ConnectorSetting.choice("security", "Security", "x", "ssl", "none").withDefault("SSL").defaultValue());
        assertThrows(IllegalArgumentException.class, () -> ConnectorSetting.port("port", "Port", "x").withDefault("0"));
        assertNull(ConnectorSetting.port("port", "Port", "x").defaultValue());
    }

    @Test
    void descriptionsThatCannotWorkAreRefused() {
        // a non-secret setting whose key looks secret would be refused by every project file
        assertThrows(IllegalArgumentException.class, () -> ConnectorSetting.text("password", "Password", "x"));
        assertThrows(IllegalArgumentException.class, () -> ConnectorSetting.text("has space", "Label", "x"));
        assertThrows(IllegalArgumentException.class, () -> ConnectorSetting.text("a=b", "Label", "x"));
        assertThrows(IllegalArgumentException.class, () -> ConnectorSetting.integer("n", "N", 5, 1, "x"));
        assertThrows(IllegalArgumentException.class, () -> ConnectorSetting.choice("mode", "Mode", "x"));
        assertThrows(IllegalArgumentException.class,
                () -> new ConnectorSetting("n", "N", ConnectorSetting.Type.TEXT, false, null, "x", 1, 5, java.util.List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "password", "admin.password", "Password", "passwd", "admin.pass", "smtp-pw", "pwd",
            "client_secret", "clientSecret", "api.token", "accessToken", "api-key", "apiKey", "private.key",
            "credentials", "oauth.refresh_token", "pin", "key.passphrase" })
    void looksSecret(String key) {
        assertTrue(ConnectorSetting.looksSecret(key), key);
    }

    @ParameterizedTest
    @ValueSource(strings = { "host", "port", "security", "auth", "admin.user", "admin.mode", "admin.separator",
            "tls.trust", "timeout.connect", "timeout.read", "user.root", "append.pipeline", "connections.max", "tenant",
            "passthrough", "spinner", "bypass" })
    void doesNotLookSecret(String key) {
        assertFalse(ConnectorSetting.looksSecret(key), key);
    }
}
