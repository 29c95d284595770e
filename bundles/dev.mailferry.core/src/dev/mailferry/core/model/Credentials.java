package dev.mailferry.core.model;

import dev.mailferry.core.secret.Secret;
import java.util.Objects;

/**
 * How to log in to one mailbox. {@code userName} may already carry an admin login in the server's own syntax
 * (Dovecot's {@code alice*admin}); endpoint-wide admin credentials are added by the connector from its settings.
 */
public record Credentials(String userName, Secret password) {

    public Credentials {
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "Credentials[" + userName + "]";
    }
}
