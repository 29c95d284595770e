package dev.mailferry.connector.office365.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mailferry.core.model.FolderPath;
import org.junit.jupiter.api.Test;

class ExchangeFolderNamesTest {

    private static String storable(String... segments) {
        return ExchangeFolderNames.storable(FolderPath.of(segments)).toString();
    }

    @Test
    void topLevelNamesExchangeKeepsForItsOwnFoldersGetASuffix() {
        assertEquals("Notes (mail)", storable("Notes"));
        assertEquals("calendar (mail)", storable("calendar"));
        assertEquals("Outbox (mail)/Old", storable("Outbox", "Old"));
        assertEquals("Projects/Notes", storable("Projects", "Notes"), "only the top level is reserved");
        assertEquals("Notes (mail)", storable("Notes (mail)"), "a storable name comes back as it is");
        assertEquals("Sent Items", storable("Sent Items"), "Exchange's mail folders take mail");
        assertEquals("INBOX/Notes", storable("INBOX", "Notes"));
    }

    @Test
    void whiteSpaceAtTheEndsAndControlCharactersAreNotKept() {
        assertEquals("Spaced/Tab_bed", storable("  Spaced ", "Tab\tbed"));
        assertEquals("_", storable("   "));
    }

    @Test
    void longNamesAreShortenedKeepingTheirUniqueSuffix() {
        String longName = "x".repeat(300);
        String shortened = ExchangeFolderNames.storable(FolderPath.of(longName)).name();
        assertEquals(ExchangeFolderNames.MAX_NAME_LENGTH, shortened.length());
        String numbered = ExchangeFolderNames.storable(FolderPath.of(longName + " (2)")).name();
        assertEquals(ExchangeFolderNames.MAX_NAME_LENGTH, numbered.length());
        assertEquals(" (2)", numbered.substring(numbered.length() - 4));
        assertEquals(numbered, ExchangeFolderNames.storable(FolderPath.of(numbered)).name(), "idempotent");
        // characters outside the BMP count twice, as in UTF-16, and are never cut in half
        String emoji = "\uD83D\uDCE7".repeat(200);
        String cut = ExchangeFolderNames.storable(FolderPath.of(emoji)).name();
        assertEquals(ExchangeFolderNames.MAX_NAME_LENGTH - 1, cut.length());
        assertEquals(emoji.substring(0, cut.length()), cut);
    }
}
