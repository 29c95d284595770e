package dev.mailferry.ui.internal;

import dev.mailferry.ui.internal.ProjectSnapshot.BatchNode;
import dev.mailferry.ui.internal.ProjectSnapshot.ReportsNode;
import java.nio.file.Path;
import org.eclipse.jface.viewers.ISelection;
import org.eclipse.jface.viewers.IStructuredSelection;

/** One batch of one project folder: what the batch log, throughput and reports views show. */
record BatchRef(Path folder, String batch) {

    BatchRef {
        folder = folder.toAbsolutePath().normalize();
    }

    /**
     * The batch selected in the Projects view, or in the Mailboxes view (a mailbox of a batch); null when the
     * selection names no batch.
     */
    static BatchRef of(ISelection selection) {
        if (selection instanceof IStructuredSelection structured && !structured.isEmpty()) {
            Object first = structured.getFirstElement();
            if (first instanceof BatchNode node) {
                return new BatchRef(node.project().folder(), node.batch().name());
            }
            if (first instanceof ReportsNode node) {
                return new BatchRef(node.project().folder(), node.batch().name());
            }
            if (first instanceof MailboxPick pick && pick.batch() != null) {
                return new BatchRef(pick.folder(), pick.batch());
            }
        }
        return null;
    }

    BatchPassJob.Family family() {
        return new BatchPassJob.Family(folder, batch);
    }
}
