package dev.mailferry.core.spi;

import java.util.List;

/**
 * What "test connection" found.
 *
 * @param server       greeting or product name of the server
 * @param security     the negotiated transport, e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384, certificate SHA-256 AB:CD:..."
 *                     or "none (plain text)"
 * @param capabilities protocol capabilities after login
 * @param namespaces   personal / other users' / shared namespaces, in the server's notation
 * @param folderCount  number of folders the login sees
 */
public record ConnectionTestResult(String server, String security, List<String> capabilities, List<String> namespaces,
        int folderCount) {
}
