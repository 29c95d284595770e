package dev.mailferry.demo;

import java.util.Locale;

/** Which IMAP server a {@link DemoEnvironment} runs. */
public enum DemoServerKind {
    /** A private Dovecot process; needs Dovecot installed. Offers STARTTLS, master users and SPECIAL-USE. */
    DOVECOT,
    /** GreenMail, embedded in this JVM: works anywhere, but only '.' as delimiter, no STARTTLS, no master users. */
    GREENMAIL,
    /** {@link #CONFIGURATION_VARIABLE} if set, else Dovecot when it is installed, else GreenMail. */
    AUTO;

    /** Environment variable (or, lower-case with dots, system property) that decides what AUTO picks. */
    public static final String CONFIGURATION_VARIABLE = "MAILFERRY_DEMO_SERVER";
    /** The system property equivalent of {@link #CONFIGURATION_VARIABLE}; it wins over the variable. */
    public static final String CONFIGURATION_PROPERTY = "mailferry.demo.server";

    /** DOVECOT or GREENMAIL: what this kind means on this machine now. */
    public DemoServerKind resolve() {
        if (this != AUTO) {
            return this;
        }
        String configured = System.getProperty(CONFIGURATION_PROPERTY, System.getenv(CONFIGURATION_VARIABLE));
        if (configured != null && !configured.isBlank()) {
            DemoServerKind chosen = parse(configured);
            if (chosen != AUTO) {
                return chosen;
            }
        }
        return DovecotServer.isInstalled() ? DOVECOT : GREENMAIL;
    }

    /** "dovecot", "greenmail" or "auto", in any case. */
    public static DemoServerKind parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Demo server is dovecot, greenmail or auto, not '" + text + "' (" + CONFIGURATION_VARIABLE + ")", e);
        }
    }

    /** Lower-case name as users type it. */
    public String displayName() {
        return switch (this) {
        case DOVECOT -> "Dovecot";
        case GREENMAIL -> "GreenMail";
        case AUTO -> "auto";
        };
    }
}
