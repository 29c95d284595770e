package dev.mailferry.core.spi;

/**
 * A source folder's state as the server reports it without opening the folder (IMAP STATUS with CONDSTORE): two equal
 * states mean that nothing in the folder changed in between, since every new message moves {@code uidNext}, every
 * change of a message's flags and every removal moves {@code modSeq} (and a removal {@code messages}), and a rebuilt
 * folder gets a new {@code uidValidity}.
 *
 * @param uidValidity the UID space
 * @param uidNext     the UID the next message will get
 * @param modSeq      the highest modification sequence of the folder (IMAP HIGHESTMODSEQ)
 * @param messages    how many messages the folder holds
 */
public record FolderState(long uidValidity, long uidNext, long modSeq, long messages) {
}
