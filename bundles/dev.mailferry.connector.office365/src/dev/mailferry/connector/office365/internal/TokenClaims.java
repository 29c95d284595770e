package dev.mailferry.connector.office365.internal;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What an Entra ID access token (a JWT) says about itself, read without verifying its signature: the token is only
 * shown to the resource it is for, which verifies it; here it tells the user which application permissions
 * ({@code roles}) the tenant has granted.
 */
final class TokenClaims {

    private TokenClaims() {
    }

    /** The application permissions in the token, e.g. {@code IMAP.AccessAsApp}; empty when it has none or is opaque. */
    static List<String> roles(String accessToken) {
        Map<String, Object> claims = claims(accessToken);
        List<String> roles = new ArrayList<>();
        if (claims.get("roles") instanceof List<?> list) {
            for (Object role : list) {
                roles.add(String.valueOf(role));
            }
        }
        return roles;
    }

    static Map<String, Object> claims(String accessToken) {
        String[] parts = accessToken.split("\\.");
        if (parts.length != 3) {
            return Map.of();
        }
        try (JsonReader reader = JsonProviders.createReader(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))) {
            Map<String, Object> map = reader.readMap(JsonReader::readUntyped);
            return map == null ? Map.of() : map;
        } catch (IOException | RuntimeException notAJwt) {
            return Map.of(); // an opaque token: nothing to tell
        }
    }
}
