package dev.mailferry.connector.office365.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.connector.imap.ImapSettings;
import dev.mailferry.connector.office365.Office365Settings;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.ConnectorException.Kind;
import dev.mailferry.core.spi.ConnectorSetting;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings of the Office 365 target: checks, clouds, and the IMAP endpoint they give. */
class Office365EndpointTest {

    private static final String TENANT = "0b8e6c1a-3d7f-4a52-9c11-2f6e5d4c3b2a";
    private static final String APP = "5f0c2d9e-8a41-4b7c-b3e6-1d2c3b4a5f60";

    private static Office365Endpoint parse(Map<String, String> extra) throws ConnectorException {
        Map<String, String> settings = new HashMap<>(Map.of(Office365Settings.TENANT, TENANT,
                Office365Settings.CLIENT_ID, APP));
        settings.putAll(extra);
        return Office365Endpoint.parse(new Endpoint(Office365Settings.CONNECTOR_ID, settings));
    }

    private static String refusal(Map<String, String> extra) {
        ConnectorException e = assertThrows(ConnectorException.class, () -> parse(extra));
        assertEquals(Kind.CONFIGURATION, e.kind());
        return e.getMessage();
    }

    @Test
    void globalCloudByDefault() throws ConnectorException {
        Office365Endpoint endpoint = parse(Map.of());
        assertEquals("https://login.microsoftonline.com/" + TENANT + "/", endpoint.authority());
        assertEquals("https://graph.microsoft.com", endpoint.graphUrl());
        assertEquals("https://outlook.office365.com/.default", endpoint.imapScope());
        Endpoint imap = endpoint.imapEndpoint();
        assertEquals(ImapSettings.CONNECTOR_ID, imap.connectorId());
        assertEquals("outlook.office365.com", imap.get(ImapSettings.HOST));
        assertEquals("993", imap.get(ImapSettings.PORT));
        assertEquals(ImapSettings.SECURITY_SSL, imap.get(ImapSettings.SECURITY));
        assertEquals(ImapSettings.AUTH_XOAUTH2, imap.get(ImapSettings.AUTH));
    }

    @Test
    void nationalCloudsHaveTheirOwnHostsAndAnyHostCanBeOverridden() throws ConnectorException {
        Office365Endpoint gccHigh = parse(Map.of(Office365Settings.CLOUD, "usgov-gcchigh"));
        assertEquals("https://login.microsoftonline.us/" + TENANT + "/", gccHigh.authority());
        assertEquals("https://graph.microsoft.us", gccHigh.graphUrl());
        assertEquals("outlook.office365.us", gccHigh.imapHost());
        assertEquals("https://outlook.office365.us/.default", gccHigh.imapScope());
        Office365Endpoint china = parse(Map.of(Office365Settings.CLOUD, "china"));
        assertEquals("partner.outlook.cn", china.imapHost());
        assertEquals("https://microsoftgraph.chinacloudapi.cn", china.graphUrl());
        Office365Endpoint local = parse(Map.of(Office365Settings.LOGIN_URL, "https://127.0.0.1:8443/",
                Office365Settings.IMAP_HOST, "127.0.0.1", Office365Settings.IMAP_PORT, "10993"));
        assertEquals("https://127.0.0.1:8443/" + TENANT + "/", local.authority());
        assertEquals("127.0.0.1:10993", local.imapAddress());
        // the token's audience stays Exchange Online's, wherever its IMAP is reached
        assertEquals("https://outlook.office365.com/.default", local.imapScope());
    }

    @Test
    void wrongSettingsAreRefusedWithTheirName() {
        assertTrue(refusal(Map.of(Office365Settings.TENANT, "not a tenant")).contains("'tenant'"));
        assertTrue(refusal(Map.of(Office365Settings.CLIENT_ID, "my-app")).contains("'client.id'"));
        assertTrue(refusal(Map.of(Office365Settings.LOGIN_URL, "http://login.example.com")).contains("https"));
        assertTrue(refusal(Map.of(Office365Settings.GRAPH_URL, "https://graph.example.com/v1.0")).contains("'graph.url'"));
        assertTrue(refusal(Map.of(Office365Settings.CLOUD, "mars")).contains("'cloud'"));
        assertTrue(refusal(Map.of(Office365Settings.IMAP_PORT, "99999")).contains("'imap.port'"));
        assertTrue(refusal(Map.of(Office365Settings.TLS_TRUST, "abc")).contains("'tls.trust'"));
    }

    @Test
    void theClientSecretIsDescribedAsASecretAndEveryOtherSettingValidates() {
        Map<String, ConnectorSetting> byKey = new HashMap<>();
        Office365Settings.targetSettings().forEach(s -> byKey.put(s.key(), s));
        assertEquals(ConnectorSetting.Type.SECRET, byKey.get(Office365Settings.CLIENT_SECRET).type());
        assertTrue(byKey.get(Office365Settings.TENANT).required());
        assertTrue(byKey.get(Office365Settings.CLIENT_ID).required());
        assertEquals("global", byKey.get(Office365Settings.CLOUD).defaultValue());
        assertEquals(4, byKey.get(Office365Settings.CLOUD).choices().size());
    }
}
