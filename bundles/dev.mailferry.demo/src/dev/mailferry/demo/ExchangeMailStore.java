package dev.mailferry.demo;

import java.io.IOException;
import java.util.List;

/**
 * The mail folders behind the Graph stand-in: what Exchange Online keeps once for both its IMAP and Graph faces. The
 * Exchange IMAP stand-in ({@link DovecotServer.Builder#exchangeOnline}) provides it, so that a folder Graph creates is
 * the folder IMAP then sees.
 */
interface ExchangeMailStore {

    /** Every folder of the user's mailbox, as paths ({@code ["Inbox", "Projects"]}), INBOX included. */
    List<List<String>> folders(String user) throws IOException;

    /** Creates the folder (its parent exists). */
    void create(String user, List<String> path) throws IOException;

    /** How many messages each folder of the user's mailbox holds, by path as {@link #folders} gives them. */
    java.util.Map<List<String>, Long> messageCounts(String user) throws IOException;
}
