package dev.mailferry.mx;

import java.util.Locale;

/**
 * One MX record's target.
 *
 * @param priority       the MX preference (lower is tried first)
 * @param host           the mail host, lower case, without the trailing dot
 * @param exchangeOnline whether the host is one of Exchange Online's ({@link #isExchangeOnline(String)})
 */
public record MxHost(int priority, String host, boolean exchangeOnline) implements Comparable<MxHost> {

    /** Exchange Online's inbound hosts: {@code contoso-com.mail.protection.outlook.com} and the newer {@code *.mx.microsoft}. */
    public static boolean isExchangeOnline(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name.endsWith(".mail.protection.outlook.com") || name.endsWith(".mx.microsoft");
    }

    public static MxHost of(int priority, String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return new MxHost(priority, name, isExchangeOnline(name));
    }

    @Override
    public int compareTo(MxHost other) {
        int byPriority = Integer.compare(priority, other.priority);
        return byPriority != 0 ? byPriority : host.compareTo(other.host);
    }

    @Override
    public String toString() {
        return priority + " " + host;
    }
}
