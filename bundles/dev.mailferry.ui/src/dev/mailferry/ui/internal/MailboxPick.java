package dev.mailferry.ui.internal;

import java.nio.file.Path;

/** A mailbox selected in the Mailboxes view: what the Folders view shows. {@code batch} is null outside a batch. */
record MailboxPick(Path folder, String batch, String emailAddress) {
}
