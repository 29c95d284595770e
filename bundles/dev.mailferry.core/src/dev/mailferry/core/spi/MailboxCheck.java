package dev.mailferry.core.spi;

/**
 * What a check of one target mailbox found before any copy (see {@link TargetConnector#checkMailbox}).
 *
 * @param mailbox the mailbox's target user name
 * @param ok      whether a pass could write to it
 * @param detail  what was checked when ok, else the exact reason it is not (never a secret)
 */
public record MailboxCheck(String mailbox, boolean ok, String detail) {
}
