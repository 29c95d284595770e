package dev.mailferry.core.csv;

import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.secret.Secret;

/**
 * A good row of a mailbox CSV: the entry plus the secrets that go to the secret store, never to the project file.
 *
 * @param targetPassword empty when the CSV has no target password (Office 365 targets use the tenant's app credentials)
 */
public record ImportedMailbox(int line, MailboxEntry entry, Secret sourcePassword, Secret targetPassword) {
}
