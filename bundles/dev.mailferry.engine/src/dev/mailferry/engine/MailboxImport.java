package dev.mailferry.engine;

import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.secret.Secret;
import java.util.Objects;

/**
 * A mailbox to add to a project, with its secrets (e.g. one CSV row).
 *
 * @param entry          the mailbox
 * @param sourcePassword its password on the source (CSV "Password"); empty to use the source endpoint's admin secret
 * @param targetPassword its password on an IMAP target; empty to use the target endpoint's secret
 */
public record MailboxImport(MailboxEntry entry, Secret sourcePassword, Secret targetPassword) {

    public MailboxImport {
        Objects.requireNonNull(entry, "entry");
        sourcePassword = sourcePassword == null ? Secret.empty() : sourcePassword;
        targetPassword = targetPassword == null ? Secret.empty() : targetPassword;
    }
}
