package dev.mailferry.engine;

import java.util.Locale;

/**
 * The keys under which a project's secrets live in a {@link dev.mailferry.core.secret.SecretStore}. Keys begin with the
 * project id, so one store serves many projects.
 */
public final class SecretKeys {

    private SecretKeys() {
    }

    /** Password of one mailbox on the source (the CSV's Password column). */
    public static String mailboxSource(String projectId, String emailAddress) {
        return projectId + "/mailbox/" + normalize(emailAddress) + "/source";
    }

    /** Password of one mailbox on an IMAP target. */
    public static String mailboxTarget(String projectId, String emailAddress) {
        return projectId + "/mailbox/" + normalize(emailAddress) + "/target";
    }

    /** The source endpoint's own secret (admin/master password), used for mailboxes without a password. */
    public static String sourceEndpoint(String projectId) {
        return projectId + "/endpoint/source";
    }

    /** The target endpoint's own secret (admin password, client secret). */
    public static String targetEndpoint(String projectId) {
        return projectId + "/endpoint/target";
    }

    /**
     * A secret found in plain text in the project file (written there by an older Mailferry) and moved into the store,
     * e.g. {@code source.password}. Kept so that nothing is lost; nothing reads it.
     */
    public static String movedFromProjectFile(String projectId, String propertyKey) {
        return projectId + "/project-file/" + propertyKey;
    }

    static String normalize(String emailAddress) {
        return emailAddress.trim().toLowerCase(Locale.ROOT);
    }
}
