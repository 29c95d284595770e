package dev.mailferry.core.model;

import java.util.Locale;
import java.util.Optional;

/**
 * The role of a folder (RFC 6154 SPECIAL-USE, plus INBOX). Roles are what the engine maps between source and target:
 * a Gmail "[Gmail]/Sent Mail" and a Dovecot "Sent" both land in Exchange's "Sent Items".
 */
public enum SpecialUse {
    NONE(null), INBOX(null), SENT("\\Sent"), DRAFTS("\\Drafts"), TRASH("\\Trash"), JUNK("\\Junk"), ARCHIVE("\\Archive"),
    ALL("\\All"), FLAGGED("\\Flagged");

    private final String imapAttribute;

    SpecialUse(String imapAttribute) {
        this.imapAttribute = imapAttribute;
    }

    /** The RFC 6154 LIST attribute, e.g. {@code \Sent}; null for NONE and INBOX. */
    public String imapAttribute() {
        return imapAttribute;
    }

    public static Optional<SpecialUse> fromImapAttribute(String attribute) {
        for (SpecialUse use : values()) {
            if (use.imapAttribute != null && use.imapAttribute.equalsIgnoreCase(attribute)) {
                return Optional.of(use);
            }
        }
        return Optional.empty();
    }

    /**
     * Guesses a role from a top-level folder name, for servers without SPECIAL-USE. Covers the names that common
     * clients and servers create (English and a few widespread localisations).
     */
    public static SpecialUse guessFromName(String name) {
        String n = name.toLowerCase(Locale.ROOT).trim();
        switch (n) {
            case "inbox":
                return INBOX;
            case "sent": case "sent items": case "sent messages": case "sent mail": case "gesendet": case "gesendete objekte":
            case "envoyés": case "éléments envoyés": case "enviados": case "inviata": case "posta inviata":
                return SENT;
            case "drafts": case "draft": case "entwürfe": case "brouillons": case "borradores": case "bozze":
                return DRAFTS;
            case "trash": case "deleted items": case "deleted messages": case "bin": case "papierkorb": case "gelöschte elemente":
            case "corbeille": case "papelera": case "cestino":
                return TRASH;
            case "junk": case "spam": case "junk e-mail": case "junk email": case "bulk mail": case "courrier indésirable":
                return JUNK;
            case "archive": case "archives": case "archiv":
                return ARCHIVE;
            default:
                return NONE;
        }
    }
}
