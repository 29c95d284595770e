package dev.mailferry.app.internal;

import dev.mailferry.connector.imap.ImapSettings;
import dev.mailferry.core.model.Credentials;
import dev.mailferry.core.model.Endpoint;
import dev.mailferry.core.model.MailboxEntry;
import dev.mailferry.core.secret.Secret;
import dev.mailferry.core.spi.ConnectionTestResult;
import dev.mailferry.core.spi.ConnectorSetting;
import dev.mailferry.core.spi.ConnectorException;
import dev.mailferry.core.spi.MailboxCheck;
import dev.mailferry.engine.EngineSettings;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import dev.mailferry.engine.SecretKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code mailferry source ...} and {@code mailferry target ...}: set, show and test an endpoint. */
abstract class EndpointCommand {

    abstract boolean isSource();

    String role() {
        return isSource() ? "source" : "target";
    }

    Optional<Endpoint> endpoint(MigrationProject project) {
        return isSource() ? project.sourceEndpoint() : project.targetEndpoint();
    }

    Endpoint requireEndpoint(MigrationProject project) {
        return endpoint(project).orElseThrow(() -> new CommandFailure(ExitCodes.CONFIGURATION,
                "the project has no " + role() + " yet; set one with: mailferry " + role() + " set"));
    }

    /** The settings the connector describes for this role (empty when it describes none); fails when it is not installed. */
    List<ConnectorSetting> describedSettings(String connectorId) {
        return isSource() ? services().sourceConnector(connectorId).settings()
                : services().targetConnector(connectorId).settings();
    }

    String endpointSecretKey(MigrationProject project) {
        return isSource() ? SecretKeys.sourceEndpoint(project.id()) : SecretKeys.targetEndpoint(project.id());
    }

    @Command(name = "source", description = "Set, show or test the source endpoint (where mailboxes come from).",
            mixinStandardHelpOptions = true, subcommands = { SetCommand.class, ShowCommand.class, TestCommand.class, SettingsCommand.class })
    static final class Source extends EndpointCommand {
        @Override
        boolean isSource() {
            return true;
        }
    }

    @Command(name = "target", description = "Set, show or test the target (where mailboxes go).",
            mixinStandardHelpOptions = true, subcommands = { SetCommand.class, ShowCommand.class, TestCommand.class, SettingsCommand.class,
                SetupScriptCommand.class })
    static final class Target extends EndpointCommand {
        @Override
        boolean isSource() {
            return false;
        }
    }

    /** What {@code set}, {@code show} and {@code test} share: the endpoint they work on and the project it is in. */
    abstract static class Subcommand implements Callable<Integer> {

        /** {@code source} or {@code target}. */
        @ParentCommand
        EndpointCommand parent;

        @Mixin
        ProjectOption project;
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set the endpoint; options not given keep their current value.")
    static final class SetCommand extends Subcommand {

        @Option(names = "--connector", paramLabel = "ID", description = "Connector id (default: the current one, else imap).")
        String connector;

        @Option(names = "--host", description = "Server host name.")
        String host;

        @Option(names = "--port", description = "TCP port, 1-65535 (default 993 for ssl, else 143).")
        Integer port;

        @Option(names = "--security", paramLabel = "none|ssl|starttls", description = "Transport security (default ssl).")
        String security;

        @Option(names = "--auth", paramLabel = "plain|login", description = "Authentication (default plain).")
        String auth;

        @Option(names = "--admin-user", paramLabel = "USER",
                description = "Admin login that opens every mailbox (e.g. a Dovecot master user); '' to remove.")
        String adminUser;

        @Option(names = "--admin-mode", paramLabel = "master|authzid",
                description = "master: log in as mailbox*admin (default); authzid: SASL PLAIN with authorization identity.")
        String adminMode;

        @Option(names = "--admin-separator", paramLabel = "CHAR", description = "Master user separator (default *).")
        String adminSeparator;

        @ArgGroup(exclusive = true, heading = "The endpoint's secret: an admin password, an app's client secret (kept in the"
                + " secret store, never in the project):%n")
        SecretOptions adminPassword;

        @Option(names = "--trust-cert", paramLabel = "SHA256",
                description = "Trust this server certificate (SHA-256 fingerprint, as 'test' prints it); '' to remove.")
        String trustCertificate;

        @Option(names = "--max-connections", paramLabel = "N",
                description = "Most connections to this endpoint at once, all mailboxes together (default: no cap).")
        Integer maxConnections;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Any other setting of the connector (KEY= removes it); repeatable. Unknown keys and secrets are refused.")
        Map<String, String> extra = new LinkedHashMap<>();

        @Override
        public Integer call() throws IOException {
            try (MigrationProject p = project.open()) {
                Endpoint current = parent.endpoint(p).orElse(null);
                String id = connector != null ? connector : current != null ? current.connectorId() : ImapSettings.CONNECTOR_ID;
                Endpoint endpoint = current != null && current.connectorId().equals(id) ? current : new Endpoint(id, Map.of());
                EndpointSettings settings = new EndpointSettings(parent.role(), id, parent.describedSettings(id));
                endpoint = settings.apply(endpoint, "--host", ImapSettings.HOST, host);
                endpoint = settings.apply(endpoint, "--port", ImapSettings.PORT, Objects.toString(port, null));
                endpoint = settings.apply(endpoint, "--security", ImapSettings.SECURITY, security);
                endpoint = settings.apply(endpoint, "--auth", ImapSettings.AUTH, auth);
                endpoint = settings.apply(endpoint, "--admin-user", ImapSettings.ADMIN_USER, adminUser);
                endpoint = settings.apply(endpoint, "--admin-mode", ImapSettings.ADMIN_MODE, adminMode);
                endpoint = settings.apply(endpoint, "--admin-separator", ImapSettings.ADMIN_SEPARATOR, adminSeparator);
                endpoint = settings.apply(endpoint, "--trust-cert", ImapSettings.TLS_TRUST, trustCertificate);
                endpoint = settings.apply(endpoint, "--max-connections", Endpoint.MAX_CONNECTIONS,
                        Objects.toString(maxConnections, null));
                for (Map.Entry<String, String> e : extra.entrySet()) {
                    endpoint = settings.apply(endpoint, "--set " + e.getKey(), e.getKey(), e.getValue());
                }
                settings.checkComplete(endpoint);
                try {
                    if (parent.isSource()) {
                        services().sourceConnector(id).checkEndpoint(endpoint);
                    } else {
                        services().targetConnector(id).checkEndpoint(endpoint);
                    }
                } catch (ConnectorException e) {
                    throw new CommandFailure(ExitCodes.CONFIGURATION, parent.role() + " settings: " + e.getMessage());
                }
                if (parent.isSource()) {
                    p.setSourceEndpoint(endpoint);
                } else {
                    p.setTargetEndpoint(endpoint);
                }
                if ("".equals(adminUser) && adminPassword == null) {
                    services().secrets().remove(parent.endpointSecretKey(p)); // no admin, no admin password
                }
                if (adminPassword != null) {
                    Secret secret = adminPassword.secret();
                    if (secret.isEmpty()) {
                        services().secrets().remove(parent.endpointSecretKey(p));
                    } else {
                        services().secrets().put(parent.endpointSecretKey(p), secret);
                    }
                }
                System.out.println(parent.role() + " set: " + describe(endpoint));
                return ExitCodes.OK;
            } catch (MigrationException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show the endpoint's settings (no secrets).")
    static final class ShowCommand extends Subcommand {

        @Override
        public Integer call() throws IOException {
            try (MigrationProject p = project.open()) {
                Endpoint endpoint = parent.requireEndpoint(p);
                System.out.println(describe(endpoint));
                boolean hasSecret = services().secrets().get(parent.endpointSecretKey(p)).isPresent();
                String secretName = parent.describedSettings(endpoint.connectorId()).stream()
                        .filter(s -> s.type() == ConnectorSetting.Type.SECRET).map(ConnectorSetting::label).findFirst()
                        .orElse("Secret");
                System.out.println(secretName.toLowerCase(java.util.Locale.ROOT) + ": "
                        + (hasSecret ? "stored in the secret store" : "none"));
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Connect and log in, then report capabilities, namespaces and folder count; for a target, then check"
                    + " every mailbox of the project (one row each). Changes nothing.")
    static final class TestCommand extends Subcommand {

        @Option(names = "--mailbox", paramLabel = "EMAIL",
                description = "Log in as this imported mailbox (default: the first mailbox of the project).")
        String mailbox;

        @Option(names = "--user", paramLabel = "USER", description = "Log in as this user instead of an imported mailbox.")
        String user;

        @ArgGroup(exclusive = true, heading = "Password for --user:%n")
        SecretOptions password;

        @Override
        public Integer call() throws IOException {
            try (MigrationProject p = project.open()) {
                Endpoint endpoint = parent.requireEndpoint(p);
                Credentials credentials = credentials(p);
                PrintStream out = System.out;
                out.println("Testing " + parent.role() + " " + describe(endpoint) + " as " + credentials.userName() + " ...");
                boolean everyMailbox = !parent.isSource() && user == null && mailbox == null && !p.mailboxes().isEmpty();
                ConnectionTestResult result;
                try {
                    result = parent.isSource()
                            ? services().sourceConnector(endpoint.connectorId()).testConnection(endpoint, credentials)
                            : services().targetConnector(endpoint.connectorId()).testConnection(endpoint, credentials);
                } catch (ConnectorException e) {
                    if (!everyMailbox || e.kind() != ConnectorException.Kind.AUTHENTICATION) {
                        throw e;
                    }
                    // this mailbox's login was refused: the table says which others are ready
                    System.err.println(parent.role() + " test as " + credentials.userName() + " failed: " + e.getMessage());
                    return checkEveryMailbox(p, endpoint, out);
                }
                out.println("server:       " + result.server());
                out.println("security:     " + result.security());
                out.println("capabilities: " + String.join(" ", result.capabilities()));
                out.println("namespaces:   " + String.join("; ", result.namespaces()));
                out.println("folders:      " + result.folderCount());
                out.println("OK");
                if (everyMailbox) {
                    return checkEveryMailbox(p, endpoint, out);
                }
                return ExitCodes.OK;
            } catch (ConnectorException e) {
                if (e.kind() == ConnectorException.Kind.CONFIGURATION) {
                    // the settings are wrong, nothing was tried on the network: a settings error, not a connection one
                    throw new CommandFailure(ExitCodes.CONFIGURATION, parent.role() + " settings: " + e.getMessage());
                }
                System.err.println(parent.role() + " test failed: " + e.getMessage());
                if (e.certificateSha256() != null) {
                    System.err.println("To trust this certificate: mailferry " + parent.role() + " set --trust-cert "
                            + e.certificateSha256());
                }
                return ExitCodes.CONNECTION;
            } catch (MigrationException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
        }

        /**
         * Checks every mailbox of the project on the target, several at a time (within the endpoint's connection
         * limit), and prints one row per mailbox; exit 4 when any cannot be written to.
         */
        private int checkEveryMailbox(MigrationProject p, Endpoint endpoint, PrintStream out) throws MigrationException {
            List<MailboxEntry> entries = p.mailboxes();
            dev.mailferry.core.spi.TargetConnector connector = services().targetConnector(endpoint.connectorId());
            int parallel = Math.max(1, Math.min(8, endpoint.getInt(Endpoint.MAX_CONNECTIONS, 8)));
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
            try {
                List<java.util.concurrent.Future<MailboxCheck>> checks = new java.util.ArrayList<>();
                for (MailboxEntry entry : entries) {
                    Credentials credentials = p.targetCredentials(entry, services().secrets());
                    boolean needsSecret = connector.needsSecret(endpoint);
                    checks.add(pool.submit(() -> needsSecret && credentials.password().isEmpty()
                            ? new MailboxCheck(credentials.userName(), false,
                                    "no stored password: import the CSV again or set it")
                            : connector.checkMailbox(endpoint, credentials)));
                }
                out.println("Mailboxes (" + entries.size() + "):");
                int failed = 0;
                int width = entries.stream().mapToInt(e -> e.effectiveTargetUserName().length()).max().orElse(0);
                for (java.util.concurrent.Future<MailboxCheck> future : checks) {
                    MailboxCheck check = future.get();
                    if (!check.ok()) {
                        failed++;
                    }
                    out.println(String.format("  %-6s  %-" + width + "s  %s", check.ok() ? "OK" : "FAILED",
                            check.mailbox(), check.detail()));
                }
                out.println((entries.size() - failed) + " ready, " + failed + " not ready");
                return failed == 0 ? ExitCodes.OK : ExitCodes.CONNECTION;
            } catch (java.util.concurrent.ExecutionException e) {
                throw new CommandFailure(ExitCodes.CONNECTION, "checking the mailboxes failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailure(ExitCodes.INTERRUPTED, "interrupted");
            } finally {
                pool.shutdownNow();
            }
        }

        private Credentials credentials(MigrationProject p) throws IOException, MigrationException {
            if (user != null) {
                Secret secret = password == null ? Secret.empty() : password.secret();
                if (secret.isEmpty()) {
                    secret = services().secrets().get(parent.endpointSecretKey(p)).orElse(Secret.empty());
                }
                return new Credentials(user, secret);
            }
            MailboxEntry entry = mailbox != null
                    ? p.mailbox(mailbox).orElseThrow(() -> new CommandFailure(ExitCodes.CONFIGURATION, "no mailbox " + mailbox + " in the project"))
                    : p.mailboxes().stream().findFirst().orElseThrow(() -> new CommandFailure(ExitCodes.USAGE,
                            "the project has no mailboxes yet: give --user, or import a CSV first"));
            // the same credentials the engine uses for this mailbox
            return parent.isSource() ? p.sourceCredentials(entry, services().secrets())
                    : p.targetCredentials(entry, services().secrets());
        }
    }

    @Command(name = "setup-script", mixinStandardHelpOptions = true,
            description = "Print what the target's administrator must run once (e.g. Exchange Online PowerShell), with"
                    + " the project's mailboxes filled in. Changes nothing.")
    static final class SetupScriptCommand extends Subcommand {

        @Override
        public Integer call() throws IOException {
            try (MigrationProject p = project.openForReading()) {
                Endpoint endpoint = parent.requireEndpoint(p);
                List<String> mailboxes = p.mailboxes().stream().map(MailboxEntry::effectiveTargetUserName).toList();
                Optional<String> script = services().targetConnector(endpoint.connectorId())
                        .adminSetupScript(endpoint, services().secrets().get(parent.endpointSecretKey(p))
                                .orElse(Secret.empty()), mailboxes);
                if (script.isEmpty()) {
                    System.out.println("The " + endpoint.connectorId() + " target needs no set-up by its administrator.");
                } else {
                    System.out.print(script.get());
                }
                return ExitCodes.OK;
            } catch (ConnectorException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, parent.role() + " settings: " + e.getMessage());
            } catch (MigrationException e) {
                throw new CommandFailure(ExitCodes.CONFIGURATION, e.getMessage());
            }
        }
    }

    @Command(name = "settings", mixinStandardHelpOptions = true,
            description = "List the installed connectors, or describe one connector's settings (--set KEY=VALUE).")
    static final class SettingsCommand implements Callable<Integer> {

        @ParentCommand
        EndpointCommand parent;

        @Option(names = "--connector", paramLabel = "ID", description = "The connector to describe.")
        String connector;

        @Override
        public Integer call() {
            PrintStream out = System.out;
            if (connector == null) {
                out.println("Installed " + parent.role() + " connectors (describe one with --connector ID):");
                if (parent.isSource()) {
                    services().engine().sourceConnectors().forEach(c -> out.println("  " + c.id() + "  " + c.displayName()));
                } else {
                    services().engine().targetConnectors().forEach(c -> out.println("  " + c.id() + "  " + c.displayName()));
                }
                return ExitCodes.OK;
            }
            List<ConnectorSetting> settings = new java.util.ArrayList<>(parent.describedSettings(connector));
            settings.addAll(EngineSettings.all());
            out.println("Settings of the " + parent.role() + " connector '" + connector + "' (mailferry " + parent.role()
                    + " set --connector " + connector + " --set KEY=VALUE):");
            for (ConnectorSetting setting : settings) {
                StringBuilder line = new StringBuilder("  ").append(setting.key()).append("  ");
                if (setting.type() == ConnectorSetting.Type.SECRET) {
                    line.append("secret, give it with --password, --password-env or --password-file");
                } else {
                    line.append(describeValues(setting));
                    if (setting.required()) {
                        line.append(", required");
                    }
                    if (setting.defaultValue() != null) {
                        line.append(", default ").append(setting.defaultValue());
                    }
                }
                out.println(line);
                out.println("      " + setting.label() + ": " + setting.help());
            }
            return ExitCodes.OK;
        }

        private static String describeValues(ConnectorSetting setting) {
            return switch (setting.type()) {
                case TEXT -> "text";
                case INTEGER -> "number " + setting.minimum() + "-" + setting.maximum();
                case PORT -> "port 1-65535";
                case CHOICE -> String.join("|", setting.choices());
                case BOOLEAN -> "true|false";
                case SHA256 -> "SHA-256 fingerprint";
                case FILE -> "file path";
                case SECRET -> "secret";
            };
        }
    }

    static String describe(Endpoint endpoint) {
        StringBuilder text = new StringBuilder(endpoint.connectorId());
        endpoint.settings().forEach((k, v) -> text.append(' ').append(k).append('=').append(v));
        return text.toString();
    }

    static Services services() {
        return MailferryCommand.SERVICES;
    }
}
