package dev.mailferry.mx;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Judges a domain's SPF records (RFC 7208 section 4.5 selection, section 12 grammar) for the cutover. */
final class SpfPolicy {

    static final String EXCHANGE_ONLINE_INCLUDE = "spf.protection.outlook.com";

    private static final Pattern VERSION = Pattern.compile("^v=spf1(\\s|$)", Pattern.CASE_INSENSITIVE);
    private static final String DOMAIN_SPEC = "[^\\s/]+";
    private static final Pattern MECHANISM = Pattern.compile("([+\\-~?]?)([a-z0-9]+)(?::(" + DOMAIN_SPEC + "|[^\\s]+))?(/\\d+)?(//\\d+)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern MODIFIER = Pattern.compile("([a-z][a-z0-9_.\\-]*)=(\\S*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern IP4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private SpfPolicy() {
    }

    /** The finding for the domain's TXT records (each already joined from its strings). */
    static SpfFinding judge(List<String> txtRecords) {
        List<String> spf = txtRecords.stream().filter(t -> VERSION.matcher(t).find()).toList();
        if (spf.isEmpty()) {
            return new SpfFinding(SpfFinding.Status.MISSING, List.of(), "no TXT record starts with v=spf1");
        }
        if (spf.size() > 1) {
            return new SpfFinding(SpfFinding.Status.PERMERROR_MULTIPLE_RECORDS, spf,
                    spf.size() + " SPF records; RFC 7208 allows one, receivers treat more as a permerror");
        }
        String record = spf.get(0);
        List<String> errors = new ArrayList<>();
        boolean exchangeOnline = false;
        boolean redirect = false;
        boolean exp = false;
        String[] terms = record.trim().split("\\s+");
        for (int i = 1; i < terms.length; i++) {
            String term = terms[i];
            Matcher modifier = MODIFIER.matcher(term);
            if (modifier.matches()) {
                String name = modifier.group(1).toLowerCase(Locale.ROOT);
                String value = modifier.group(2);
                if (name.equals("redirect") || name.equals("exp")) {
                    boolean twice = name.equals("redirect") ? redirect : exp;
                    if (twice) {
                        errors.add("'" + name + "=' appears more than once");
                    }
                    if (value.isEmpty()) {
                        errors.add("'" + term + "' has no domain");
                    }
                    if (name.equals("redirect")) {
                        redirect = true;
                        exchangeOnline |= isExchangeOnline(value);
                    } else {
                        exp = true;
                    }
                }
                continue; // unknown modifiers are ignored (RFC 7208 6)
            }
            String problem = mechanismProblem(term);
            if (problem != null) {
                errors.add(problem);
                continue;
            }
            Matcher m = MECHANISM.matcher(term);
            m.matches();
            if (m.group(2).equalsIgnoreCase("include") && isExchangeOnline(m.group(3))) {
                exchangeOnline = true;
            }
        }
        if (!errors.isEmpty()) {
            return new SpfFinding(SpfFinding.Status.PERMERROR_SYNTAX, spf, String.join("; ", errors));
        }
        return exchangeOnline
                ? new SpfFinding(SpfFinding.Status.INCLUDES_EXCHANGE_ONLINE, spf, "")
                : new SpfFinding(SpfFinding.Status.WITHOUT_EXCHANGE_ONLINE, spf,
                        "no include:" + EXCHANGE_ONLINE_INCLUDE + ": mail sent through Exchange Online fails SPF");
    }

    private static boolean isExchangeOnline(String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        return name.equals(EXCHANGE_ONLINE_INCLUDE) || name.equals(EXCHANGE_ONLINE_INCLUDE + ".");
    }

    /** Why the term is not a valid mechanism, or null when it is one. */
    private static String mechanismProblem(String term) {
        Matcher m = MECHANISM.matcher(term);
        if (!m.matches()) {
            return "'" + term + "' is neither a mechanism nor a modifier";
        }
        String name = m.group(2).toLowerCase(Locale.ROOT);
        String argument = m.group(3);
        String cidr4 = m.group(4);
        String cidr6 = m.group(5);
        switch (name) {
        case "all":
            return argument == null && cidr4 == null && cidr6 == null ? null : "'" + term + "': 'all' takes no argument";
        case "include":
        case "exists":
            return argument != null && cidr4 == null && cidr6 == null ? null : "'" + term + "': '" + name + "' needs a domain";
        case "ptr":
            return cidr4 == null && cidr6 == null ? null : "'" + term + "': 'ptr' takes no prefix length";
        case "a":
        case "mx":
            if (cidr4 != null && prefix(cidr4, 1) > 32) {
                return "'" + term + "': IPv4 prefix length above 32";
            }
            if (cidr6 != null && prefix(cidr6, 2) > 128) {
                return "'" + term + "': IPv6 prefix length above 128";
            }
            return null;
        case "ip4":
            if (argument == null || cidr6 != null) {
                return "'" + term + "': 'ip4' needs an IPv4 address";
            }
            Matcher ip = IP4.matcher(argument);
            if (!ip.matches()) {
                return "'" + term + "': '" + argument + "' is not an IPv4 address";
            }
            for (int octet = 1; octet <= 4; octet++) {
                if (Integer.parseInt(ip.group(octet)) > 255) {
                    return "'" + term + "': '" + argument + "' is not an IPv4 address";
                }
            }
            return cidr4 != null && prefix(cidr4, 1) > 32 ? "'" + term + "': IPv4 prefix length above 32" : null;
        case "ip6":
            // the address holds ':' so the pattern's argument stops at the first '/' only
            if (argument == null || cidr6 != null || !argument.matches("[0-9a-fA-F:.]+") || !argument.contains(":")) {
                return "'" + term + "': 'ip6' needs an IPv6 address";
            }
            return cidr4 != null && prefix(cidr4, 1) > 128 ? "'" + term + "': IPv6 prefix length above 128" : null;
        default:
            return "'" + term + "': unknown mechanism '" + name + "'";
        }
    }

    private static int prefix(String cidr, int slashes) {
        return Integer.parseInt(cidr.substring(slashes));
    }
}
