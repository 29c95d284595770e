package dev.mailferry.ui.internal;

import dev.mailferry.core.model.Endpoint;
import dev.mailferry.engine.BatchInfo;
import dev.mailferry.engine.MigrationException;
import dev.mailferry.engine.MigrationProject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the navigator shows of one project folder, read in one go off the UI thread. The project is opened read-only
 * for the read and closed at once, so a pass run by the command line is never blocked by the workbench, and every
 * read sees the latest state.
 *
 * @param problem why the folder could not be read, or null
 */
record ProjectSnapshot(Path folder, String name, String source, String target, int mailboxes, List<BatchInfo> batches,
        String problem) {

    ProjectSnapshot {
        batches = List.copyOf(batches);
    }

    static ProjectSnapshot read(Path folder) {
        try (MigrationProject project = MigrationProject.openReadOnly(folder)) {
            return new ProjectSnapshot(folder, project.name(), describe(project.sourceEndpoint()),
                    describe(project.targetEndpoint()), project.mailboxes().size(), project.batches(), null);
        } catch (MigrationException | RuntimeException e) {
            return new ProjectSnapshot(folder, folder.getFileName() == null ? folder.toString() : folder.getFileName().toString(),
                    "", "", 0, List.of(), e.getMessage());
        }
    }

    private static String describe(Optional<Endpoint> endpoint) {
        if (endpoint.isEmpty()) {
            return "not set";
        }
        Endpoint e = endpoint.get();
        String host = e.get("host");
        String port = e.get("port");
        if (host == null) {
            return e.connectorId();
        }
        return e.connectorId() + " " + host + (port == null ? "" : ":" + port);
    }

    /** A project or one of its parts, as shown in the navigator. */
    sealed interface Node permits SourceNode, TargetNode, MailboxesNode, BatchesNode, BatchNode, ReportsNode {
        ProjectSnapshot project();
    }

    record SourceNode(ProjectSnapshot project) implements Node {
    }

    record TargetNode(ProjectSnapshot project) implements Node {
    }

    record MailboxesNode(ProjectSnapshot project) implements Node {
    }

    record BatchesNode(ProjectSnapshot project) implements Node {
    }

    record BatchNode(ProjectSnapshot project, BatchInfo batch) implements Node {
    }

    /** The reports of one batch: opens the Report view on it. */
    record ReportsNode(ProjectSnapshot project, BatchInfo batch) implements Node {
    }
}
