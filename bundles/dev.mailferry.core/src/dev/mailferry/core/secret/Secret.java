package dev.mailferry.core.secret;

import java.util.Arrays;

/**
 * A password, client secret or token. Its {@code toString()} never reveals the value, so a secret that ends up in a
 * log line, an exception message or a report by mistake shows as {@code ******}.
 */
public final class Secret {

    private static final Secret EMPTY = new Secret(new char[0]);

    private final char[] value;

    private Secret(char[] value) {
        this.value = value;
    }

    public static Secret of(String value) {
        return value == null || value.isEmpty() ? EMPTY : new Secret(value.toCharArray());
    }

    public static Secret of(char[] value) {
        return value == null || value.length == 0 ? EMPTY : new Secret(value.clone());
    }

    public static Secret empty() {
        return EMPTY;
    }

    public boolean isEmpty() {
        return value.length == 0;
    }

    /** The clear value, to hand to a protocol library; never to log. */
    public String reveal() {
        return new String(value);
    }

    @Override
    public String toString() {
        return "******";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }
}
