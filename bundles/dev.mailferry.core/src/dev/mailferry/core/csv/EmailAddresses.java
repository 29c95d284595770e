package dev.mailferry.core.csv;

import java.util.regex.Pattern;

/**
 * Syntax check for mailbox addresses as Exchange Online accepts them: a dot-atom local part and a domain with at least
 * two labels. Internationalised domain names (Unicode letters) are accepted; quoted local parts and IP literals are not.
 */
public final class EmailAddresses {

    private static final Pattern LOCAL = Pattern.compile("[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+(\\.[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern LABEL = Pattern.compile("[\\p{L}\\p{N}]([\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?");

    private EmailAddresses() {
    }

    /** Returns null when {@code address} is valid, otherwise the reason it is not. */
    public static String problem(String address) {
        if (address.length() > 254) {
            return "address longer than 254 characters";
        }
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return "no '@' in the address";
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        if (local.isEmpty() || local.length() > 64 || !LOCAL.matcher(local).matches()) {
            return "invalid local part '" + local + "'";
        }
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2) {
            return "domain '" + domain + "' has no dot";
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return "invalid domain '" + domain + "'";
            }
        }
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            return "invalid domain '" + domain + "'";
        }
        return null;
    }
}
