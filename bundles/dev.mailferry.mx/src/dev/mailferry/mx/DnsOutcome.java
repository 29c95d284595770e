package dev.mailferry.mx;

import java.util.Locale;

/** How one DNS server answered one question. */
public enum DnsOutcome {
    /** Records of the type asked for. */
    ANSWER,
    /** The name exists but has no record of that type (NODATA). */
    NO_RECORDS,
    /** The name does not exist. */
    NXDOMAIN,
    /** The server failed to answer (SERVFAIL): a broken zone, a failed DNSSEC validation, unreachable upstreams. */
    SERVFAIL,
    /** The server refused the question (a resolver that does not serve us). */
    REFUSED,
    /** A server listed as authoritative that does not answer authoritatively for the zone (lame delegation). */
    LAME,
    /** The zone's delegation goes round in a circle of name servers without glue: none can be reached. */
    DELEGATION_LOOP,
    /** No answer within the time allowed. */
    TIMEOUT,
    /** The server could not be reached or has no address, or its answer could not be read. */
    UNREACHABLE;

    /** Whether this outcome is a failed lookup (everything but an answer with or without records). */
    public boolean isError() {
        return this != ANSWER && this != NO_RECORDS;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
