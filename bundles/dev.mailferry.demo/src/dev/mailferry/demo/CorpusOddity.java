package dev.mailferry.demo;

/** The defects of real mailboxes that a migration must carry over byte for byte (and that simpler tools drop). */
public enum CorpusOddity {
    /** No Message-ID header at all. */
    MISSING_MESSAGE_ID,
    /** The same Message-ID as another message of the corpus (mailing-list copies, resent mail). */
    DUPLICATE_MESSAGE_ID,
    /** Unencoded 8-bit bytes in Subject and From (UTF-8 or Latin-1 straight into the header). */
    RAW_8BIT_HEADERS,
    /** A multipart body whose closing boundary line is missing (truncated mail). */
    MISSING_END_BOUNDARY,
    /** Declared multipart/mixed, but the body contains no boundary at all: MIME parsers reject it. */
    WRONG_CONTENT_TYPE,
    /** Declared ISO-8859-1 while the body bytes are UTF-8. */
    MISLABELED_CHARSET,
    /** A header line and a body line longer than RFC 5322's 998 characters, unfolded. */
    OVERLONG_LINES;

    /** True when a standards-following MIME parser cannot read the message's structure. */
    public boolean breaksMimeParsing() {
        return this == WRONG_CONTENT_TYPE;
    }
}
