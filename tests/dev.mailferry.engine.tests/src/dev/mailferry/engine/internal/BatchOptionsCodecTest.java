package dev.mailferry.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.engine.BatchOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Batch options as the state database stores them: every option survives, and older batches stay readable. */
class BatchOptionsCodecTest {

    @Test
    void everyOptionSurvivesTheRoundTrip() {
        BatchOptions options = BatchOptions.defaults().withExcludedFolders(List.of(FolderPath.of("Junk")))
                .withFolderMapping(Map.of(FolderPath.of("Old"), FolderPath.of("Archive", "Old"))).withMaxMessageSize(1234)
                .withMaxItemsPerMailbox(99).withMaxParallelMailboxes(2).withMirrorDeletions(true);
        assertEquals(options, Codecs.decodeOptions(Codecs.encodeOptions(options)));
        BatchOptions off = options.withMirrorDeletions(false);
        assertEquals(off, Codecs.decodeOptions(Codecs.encodeOptions(off)));
    }

    @Test
    void aBatchStoredBeforeMirrorDeletionExistedDoesNotMirrorDeletions() {
        String older = "maxMessageSize=36700160\nmaxItemsPerMailbox=500000\nmaxParallelMailboxes=4\nexclude.0=Junk\n";
        BatchOptions options = Codecs.decodeOptions(older);
        assertFalse(options.mirrorDeletions());
        assertEquals(List.of(FolderPath.of("Junk")), options.excludedFolders());
    }
}
