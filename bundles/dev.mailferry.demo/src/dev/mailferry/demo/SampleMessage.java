package dev.mailferry.demo;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.MessageFlags;
import java.time.Instant;
import java.util.Objects;

/**
 * One generated message: its raw RFC 822 bytes (CRLF line ends, no NUL) and where and how it is stored.
 *
 * @param index        position in the corpus, 0-based
 * @param raw          the exact bytes to store; not copied, do not modify
 * @param deleted      stored with \Deleted (only in Trash), waiting for an expunge that never came
 * @param messageId    the Message-ID header value, null when the message has none
 * @param oddity       the defect built into the message, null for a well-formed one
 * @param charset      the charset of the texts (subject, names, body)
 * @param targetSize   the size the generator aimed at; {@code raw.length} is close to it
 */
public record SampleMessage(int index, FolderPath folder, byte[] raw, MessageFlags flags, boolean deleted,
        Instant internalDate, String messageId, CorpusOddity oddity, String charset, SampleMessageKind kind,
        long targetSize) {

    public SampleMessage {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(flags, "flags");
        Objects.requireNonNull(internalDate, "internalDate");
        Objects.requireNonNull(kind, "kind");
    }

    public long size() {
        return raw.length;
    }

    public String sha256() {
        return MaildirManifest.sha256Hex(raw);
    }

    @Override
    public String toString() {
        return "SampleMessage[" + index + " in " + folder + ", " + raw.length + " bytes, " + kind
                + (oddity == null ? "" : ", " + oddity) + "]";
    }
}
