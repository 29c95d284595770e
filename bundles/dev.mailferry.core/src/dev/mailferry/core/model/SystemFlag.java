package dev.mailferry.core.model;

/** The IMAP system flags that a migration preserves. {@code \Recent} is session state and {@code \Deleted} is not copied. */
public enum SystemFlag {
    SEEN("\\Seen"), ANSWERED("\\Answered"), FLAGGED("\\Flagged"), DRAFT("\\Draft");

    private final String imapName;

    SystemFlag(String imapName) {
        this.imapName = imapName;
    }

    public String imapName() {
        return imapName;
    }

    public static SystemFlag fromImapName(String name) {
        for (SystemFlag flag : values()) {
            if (flag.imapName.equalsIgnoreCase(name)) {
                return flag;
            }
        }
        return null;
    }
}
