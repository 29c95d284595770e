package dev.mailferry.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FolderPathTest {

    @Test
    void sameHierarchyWhateverTheDelimiter() {
        assertEquals(FolderPath.parse("INBOX.Projects.2024", '.'), FolderPath.parse("INBOX/Projects/2024", '/'));
        assertEquals(List.of("Archive", "2024"), FolderPath.parse("/Archive//2024/", '/').segments());
        assertEquals("Archive/2024", FolderPath.of("Archive", "2024").toString());
        assertEquals("Archive.2024", FolderPath.of("Archive", "2024").join('.'));
    }

    @Test
    void rebaseMovesASubtree() {
        FolderPath p = FolderPath.of("Old", "A", "B");
        assertEquals(FolderPath.of("New", "Place", "A", "B"), p.rebase(FolderPath.of("Old"), FolderPath.of("New", "Place")));
        assertTrue(p.startsWith(FolderPath.of("Old", "A")));
        assertFalse(p.startsWith(FolderPath.of("Ol")));
        assertEquals(FolderPath.of("Old", "A"), p.parent());
        assertThrows(IllegalArgumentException.class, () -> FolderPath.of("a", ""));
    }

    @Test
    void flagsRoundTripAndDropRecentAndDeleted() {
        MessageFlags flags = MessageFlags.fromImap(List.of("\\Seen", "\\Recent", "\\Deleted", "$Forwarded", "\\Flagged"));
        assertEquals("\\Seen \\Flagged $Forwarded", flags.toString());
        assertEquals(flags, MessageFlags.parse(flags.toString()));
        assertEquals(MessageFlags.NONE, MessageFlags.parse(""));
    }

    @Test
    void specialUseFromAttributeAndName() {
        assertEquals(SpecialUse.SENT, SpecialUse.fromImapAttribute("\\sent").orElseThrow());
        assertEquals(SpecialUse.TRASH, SpecialUse.guessFromName("Deleted Items"));
        assertEquals(SpecialUse.JUNK, SpecialUse.guessFromName("Spam"));
        assertEquals(SpecialUse.NONE, SpecialUse.guessFromName("Projects"));
    }
}
