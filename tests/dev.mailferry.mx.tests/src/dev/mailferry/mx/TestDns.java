package dev.mailferry.mx;

import dev.mailferry.demo.dns.LoopbackDnsNetwork;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Checkers that ask a {@link LoopbackDnsNetwork}. */
final class TestDns {

    private TestDns() {
    }

    /** The network's resolver, its name servers on its port, a short timeout. */
    static MxCheckOptions options(LoopbackDnsNetwork network, Clock clock, Path stateFile) {
        return MxCheckOptions.defaults().withResolvers(List.of(new InetSocketAddress(LoopbackDnsNetwork.RESOLVER, network.port)))
                .withNameServerPort(network.port).withTimeout(Duration.ofSeconds(2)).withClock(clock).withStateFile(stateFile);
    }

    static MxChecker checker(LoopbackDnsNetwork network, Clock clock, Path stateFile) {
        return new MxChecker(options(network, clock, stateFile));
    }
}
