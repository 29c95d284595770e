package dev.mailferry.connector.imap.internal;

import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.spi.ConnectionTestResult;
import dev.mailferry.core.spi.ConnectorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.angus.mail.imap.protocol.Namespaces;

/** "Test connection": connect, log in, look around, change nothing. */
final class ConnectionTests {

    private ConnectionTests() {
    }

    static ConnectionTestResult run(ImapEndpoint endpoint, Credentials credentials) throws ConnectorException {
        try (ImapConnection connection = ImapConnection.open(endpoint, credentials)) {
            String server = "unknown IMAP server";
            if (connection.hasCapability("ID")) {
                Map<String, String> id = connection.call("identify the server", () -> connection.protocol().id(
                        (Map<String, String>) null));
                if (id != null && id.get("name") != null) {
                    server = id.get("name") + (id.get("version") != null ? " " + id.get("version") : "");
                }
            }
            List<String> namespaces = new ArrayList<>();
            if (connection.hasCapability("NAMESPACE")) {
                Namespaces ns = connection.call("read namespaces", () -> connection.protocol().namespace());
                if (ns != null) {
                    describe("personal", ns.personal, namespaces);
                    describe("other users", ns.otherUsers, namespaces);
                    describe("shared", ns.shared, namespaces);
                }
            }
            FolderNames names = FolderNames.of(connection, endpoint.userRoot());
            int folders = ImapSourceSession.listed(connection, names).size();
            return new ConnectionTestResult(server + " at " + endpoint.address(), connection.describeSecurity(),
                    connection.capabilities(), namespaces, folders);
        }
    }

    private static void describe(String kind, Namespaces.Namespace[] spaces, List<String> into) {
        if (spaces != null) {
            for (Namespaces.Namespace space : spaces) {
                into.add(kind + " \"" + space.prefix + "\" delimiter "
                        + (space.delimiter == '\0' ? "NIL" : "\"" + space.delimiter + "\""));
            }
        }
    }
}
