package dev.mailferry.demo;

/** The MIME structure of a {@link SampleMessage}. */
public enum SampleMessageKind {
    /** A single text/plain part. */
    PLAIN_TEXT,
    /** multipart/alternative with text/plain and text/html. */
    ALTERNATIVE,
    /** multipart/mixed with a text (or alternative) part and base64 attachments. */
    WITH_ATTACHMENTS
}
