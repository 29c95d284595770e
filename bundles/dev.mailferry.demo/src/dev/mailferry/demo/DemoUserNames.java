package dev.mailferry.demo;

/**
 * The user-name rule both demo servers enforce: names end up in Dovecot's passwd files and home paths and, in
 * GreenMail, as e-mail addresses, so only characters that are safe in all of them are allowed.
 */
final class DemoUserNames {

    private DemoUserNames() {
    }

    /** Returns {@code name} if it is a non-empty run of letters, digits and {@code ._@+-}; else throws. */
    static String check(String name) {
        if (name == null || name.isEmpty() || !name.matches("[A-Za-z0-9._@+-]+")) {
            throw new IllegalArgumentException("User names may use letters, digits and ._@+- only: '" + name + "'");
        }
        return name;
    }
}
