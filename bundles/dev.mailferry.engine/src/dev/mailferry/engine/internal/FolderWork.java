package dev.mailferry.engine.internal;

import dev.mailferry.core.spi.SourceFolder;

/**
 * A source folder to copy in this pass, with its record ({@code uidValidity} as scanned in this pass); {@code part}
 * is the UID range a lane copies of a split folder, else null. Maps keyed by it compare by identity: each one is its
 * own key.
 */
record FolderWork(SourceFolder source, FolderRecord record, LanePlanner.Part part) {
    FolderWork(SourceFolder source, FolderRecord record) {
        this(source, record, null);
    }
}
