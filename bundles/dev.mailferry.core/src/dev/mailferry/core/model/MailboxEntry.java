package dev.mailferry.core.model;

import java.util.Objects;

/**
 * One mailbox to migrate, as listed in the CSV file (Exchange Online's format: EmailAddress, UserName, Password,
 * optional UserRoot) plus optional target credentials for IMAP targets. Secrets are not part of this record: the
 * project keeps them in its secret store.
 *
 * @param emailAddress   the target mailbox's address, the key of the entry
 * @param sourceUserName the login on the source (may be {@code user*admin} style)
 * @param userRoot       optional folder below which the user's folders live on the source (Exchange's UserRoot),
 *                       null when absent
 * @param targetUserName login on an IMAP target, null to use {@code emailAddress}
 */
public record MailboxEntry(String emailAddress, String sourceUserName, String userRoot, String targetUserName) {

    public MailboxEntry {
        Objects.requireNonNull(emailAddress, "emailAddress");
        Objects.requireNonNull(sourceUserName, "sourceUserName");
    }

    public String effectiveTargetUserName() {
        return targetUserName == null || targetUserName.isBlank() ? emailAddress : targetUserName;
    }
}
