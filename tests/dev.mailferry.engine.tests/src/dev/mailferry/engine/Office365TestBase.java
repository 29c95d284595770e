package dev.mailferry.engine;

import dev.mailferry.core.secret.Secret;
import dev.mailferry.demo.CorpusSpec;
import dev.mailferry.demo.DemoEnvironment;
import dev.mailferry.demo.Office365StandIn;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;

/**
 * Engine tests into the Office 365 stand-ins: the Entra ID and Graph stand-in, Dovecot as Exchange Online's IMAP
 * (implicit TLS), and the project's target endpoint and secret pointing at them.
 */
abstract class Office365TestBase extends DovecotTestBase {

    Office365StandIn standIn;

    @AfterEach
    void stopStandIn() {
        if (standIn != null) {
            standIn.close();
        }
    }

    /** Starts the stand-in and the servers ({@code servers} may set more, e.g. a size limit on the IMAP stand-in). */
    void startWithOffice365Target(int users, CorpusSpec corpus, UnaryOperator<DemoEnvironment.Builder> servers)
            throws Exception {
        standIn = Office365StandIn.builder(dir.resolve("standin")).start();
        start(users, corpus, b -> servers.apply(b.targetExchangeOnline(standIn)));
        project.setTargetEndpoint(Office365MigrationTest.office365(standIn, demo.target().host(),
                demo.target().imapsPort()));
        secrets.put(SecretKeys.targetEndpoint(project.id()), Secret.of(standIn.clientSecret()));
    }
}
