package dev.mailferry.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.connector.office365.Office365Settings;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.FolderPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the MF_O365_* variables become the tenant the Office 365 tests write into. */
class TenantUnderTestTest {

    private static final String SECRET = "s3cr3t-value~1";

    @Test
    void withoutATenantVariableTheStandInsAreUsed() {
        assertTrue(TenantUnderTest.fromVariables(Map.of("MF_O365_CLIENT_ID", "x", "MF_O365_TENANT", " ")).isEmpty());
    }

    @Test
    void theVariablesGiveTheEndpointTheMailboxesAndAFolderOfTheTestsOwn() {
        TenantUnderTest tenant = TenantUnderTest.fromVariables(Map.of(
                "MF_O365_TENANT", "contoso.onmicrosoft.com",
                "MF_O365_CLIENT_ID", "5f0c2d9e-8a41-4b7c-b3e6-1d2c3b4a5f60",
                "MF_O365_CLIENT_SECRET", SECRET,
                "MF_O365_MAILBOXES", " test1@contoso.onmicrosoft.com, ,test2@contoso.onmicrosoft.com ",
                "MF_O365_IMAP_PORT", "1993",
                "MF_O365_CLOUD", "usgov-gcchigh",
                "PATH", "/usr/bin")).orElseThrow();
        assertTrue(tenant.isTestTenant());
        assertEquals(2, tenant.mailboxCount());
        assertEquals("test2@contoso.onmicrosoft.com", tenant.mailbox(1, null));
        Endpoint endpoint = tenant.endpoint();
        assertEquals(Map.of(Office365Settings.TENANT, "contoso.onmicrosoft.com",
                Office365Settings.CLIENT_ID, "5f0c2d9e-8a41-4b7c-b3e6-1d2c3b4a5f60",
                Office365Settings.IMAP_PORT, "1993", Office365Settings.CLOUD, "usgov-gcchigh"), endpoint.settings());
        assertEquals(SECRET, tenant.clientSecret().orElseThrow().reveal());
        FolderPath root = tenant.testRoot().orElseThrow();
        assertTrue(root.name().startsWith("Mailferry test "), root.toString());
        assertEquals(1, root.depth());
        BatchOptions options = tenant.batchOptions(List.of(FolderPath.of("INBOX"), FolderPath.of("Sent")));
        assertEquals(Map.of(FolderPath.of("INBOX"), FolderPath.of(root.name(), "INBOX"),
                FolderPath.of("Sent"), FolderPath.of(root.name(), "Sent")), options.folderMapping());
        // two tests never share a folder
        TenantUnderTest other = TenantUnderTest.fromVariables(Map.of("MF_O365_TENANT", "contoso.onmicrosoft.com",
                "MF_O365_CLIENT_ID", "c", "MF_O365_CLIENT_SECRET", "x", "MF_O365_MAILBOXES", "a")).orElseThrow();
        assertFalse(other.testRoot().orElseThrow().equals(root));
    }

    @Test
    void missingVariablesAreNamedWithoutShowingAnyValue() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TenantUnderTest.fromVariables(
                Map.of("MF_O365_TENANT", "contoso.onmicrosoft.com", "MF_O365_GRAPH_URL", SECRET)));
        assertTrue(e.getMessage().contains("MF_O365_CLIENT_ID") && e.getMessage().contains("MF_O365_MAILBOXES")
                && e.getMessage().contains("MF_O365_CLIENT_SECRET or MF_O365_CERTIFICATE_FILE"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        assertThrows(IllegalStateException.class, () -> TenantUnderTest.fromVariables(Map.of("MF_O365_TENANT", "t",
                "MF_O365_CLIENT_ID", "c", "MF_O365_CLIENT_SECRET", "x", "MF_O365_MAILBOXES", " , ")));
    }
}
