package dev.mailferry.mx;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/** Sends one question to one server through dnsjava and says how it went, without throwing for DNS failures. */
final class DnsAsker {

    /** One exchange: the outcome and, when the server answered, its message. */
    record Reply(DnsOutcome outcome, Message message, String detail) {

        List<Record> section(int section, int type) {
            return message == null ? List.of()
                    : message.getSection(section).stream().filter(r -> r.getType() == type).toList();
        }
    }

    private final Duration timeout;

    DnsAsker(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Asks {@code server} for {@code type} records of {@code name}. Authoritative questions go without recursion, and an
     * answer without the AA flag (a referral, a cached answer) or a REFUSED is a lame delegation.
     */
    Reply ask(InetSocketAddress server, Name name, int type, boolean authoritative) {
        InetSocketAddress address;
        try {
            address = server.isUnresolved()
                    ? new InetSocketAddress(InetAddress.getByName(server.getHostString()), server.getPort())
                    : server;
        } catch (UnknownHostException e) {
            return new Reply(DnsOutcome.UNREACHABLE, null, "no address for " + server.getHostString());
        }
        SimpleResolver resolver = new SimpleResolver(address);
        resolver.setTimeout(timeout);
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        if (authoritative) {
            query.getHeader().unsetFlag(Flags.RD);
        } else {
            query.getHeader().setFlag(Flags.AD); // asks a validating resolver to say whether it validated (RFC 6840 5.7)
        }
        Message response;
        try {
            response = resolver.send(query);
        } catch (SocketTimeoutException e) {
            return timedOut(type);
        } catch (PortUnreachableException | ConnectException e) {
            return new Reply(DnsOutcome.UNREACHABLE, null, "nothing answers on " + address(address)
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (WireParseException e) {
            return new Reply(DnsOutcome.UNREACHABLE, null, "unreadable answer to " + Type.string(type) + ": " + e.getMessage());
        } catch (IOException e) {
            // dnsjava 3's Resolver.send reports its own timeouts as a plain IOException ("Timed out while trying to resolve")
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("timed out") || e.getCause() instanceof java.util.concurrent.TimeoutException) {
                return timedOut(type);
            }
            return new Reply(DnsOutcome.UNREACHABLE, null, Type.string(type) + " query failed: " + e.getMessage());
        }
        int rcode = response.getRcode();
        boolean aa = response.getHeader().getFlag(Flags.AA);
        switch (rcode) {
        case Rcode.NOERROR:
            if (authoritative && !aa) {
                return new Reply(DnsOutcome.LAME, response,
                        "answers without authority for " + name + " (lame delegation)");
            }
            boolean any = response.getSection(Section.ANSWER).stream().anyMatch(r -> r.getType() == type);
            return new Reply(any ? DnsOutcome.ANSWER : DnsOutcome.NO_RECORDS, response, "");
        case Rcode.NXDOMAIN:
            if (authoritative && !aa) {
                return new Reply(DnsOutcome.LAME, response, "answers NXDOMAIN without authority for " + name
                        + " (lame delegation)");
            }
            return new Reply(DnsOutcome.NXDOMAIN, response, name + " does not exist");
        case Rcode.SERVFAIL:
            return new Reply(DnsOutcome.SERVFAIL, response, "server failure (SERVFAIL) for " + name + " "
                    + Type.string(type));
        case Rcode.REFUSED:
            return authoritative
                    ? new Reply(DnsOutcome.LAME, response, "refuses questions about " + name + " (lame delegation)")
                    : new Reply(DnsOutcome.REFUSED, response, "refuses to resolve " + name);
        default:
            return new Reply(DnsOutcome.UNREACHABLE, response, "answered " + Rcode.string(rcode) + " for " + name + " "
                    + Type.string(type));
        }
    }

    private Reply timedOut(int type) {
        return new Reply(DnsOutcome.TIMEOUT, null, "no answer to " + Type.string(type) + " within " + timeout.toMillis()
                + " ms");
    }

    static String address(InetSocketAddress address) {
        String host = address.isUnresolved() ? address.getHostString() : address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
