package dev.mailferry.core.model;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;

/** System flags plus keywords (user flags such as {@code $Label1} or {@code Important}) of one message. Immutable. */
public final class MessageFlags {

    public static final MessageFlags NONE = new MessageFlags(EnumSet.noneOf(SystemFlag.class), new TreeSet<>());

    private final Set<SystemFlag> system;
    private final Set<String> keywords;

    private MessageFlags(Set<SystemFlag> system, Set<String> keywords) {
        this.system = system;
        this.keywords = keywords;
    }

    public static MessageFlags of(Collection<SystemFlag> system, Collection<String> keywords) {
        EnumSet<SystemFlag> s = system.isEmpty() ? EnumSet.noneOf(SystemFlag.class) : EnumSet.copyOf(system);
        return new MessageFlags(s, new TreeSet<>(keywords));
    }

    /**
     * Parses IMAP flag names ({@code \Seen}, {@code $Forwarded}...). {@code \Recent} and {@code \Deleted} are dropped: the
     * first is per-session state, the second marks a message the owner has already deleted.
     */
    public static MessageFlags fromImap(Collection<String> names) {
        EnumSet<SystemFlag> s = EnumSet.noneOf(SystemFlag.class);
        TreeSet<String> k = new TreeSet<>();
        for (String name : names) {
            if (name.startsWith("\\")) {
                SystemFlag flag = SystemFlag.fromImapName(name);
                if (flag != null) {
                    s.add(flag);
                }
            } else if (!name.isEmpty()) {
                k.add(name);
            }
        }
        return new MessageFlags(s, k);
    }

    /** Parses the space separated form written by {@link #toString()}. */
    public static MessageFlags parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        return fromImap(java.util.Arrays.asList(text.trim().split("\\s+")));
    }

    public Set<SystemFlag> system() {
        return Collections.unmodifiableSet(system);
    }

    public Set<String> keywords() {
        return Collections.unmodifiableSet(keywords);
    }

    public boolean has(SystemFlag flag) {
        return system.contains(flag);
    }

    public MessageFlags withoutKeywords() {
        return keywords.isEmpty() ? this : new MessageFlags(system, new TreeSet<>());
    }

    /** IMAP form, e.g. {@code \Seen \Flagged $Forwarded}; stable order, so equal flags give equal strings. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(" ");
        for (SystemFlag flag : system) {
            j.add(flag.imapName());
        }
        for (String keyword : keywords) {
            j.add(keyword);
        }
        return j.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageFlags other && system.equals(other.system) && keywords.equals(other.keywords);
    }

    @Override
    public int hashCode() {
        return system.hashCode() * 31 + keywords.hashCode();
    }
}
