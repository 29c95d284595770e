package dev.mailferry.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.core.model.SystemFlag;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CorpusGeneratorTest {

    static List<SampleMessage> messages;

    @BeforeAll
    static void generate() {
        messages = new CorpusGenerator(CorpusSpec.small(11, 300)).messages().collect(Collectors.toList());
    }

    @Test
    void sameSeedGivesSameBytesAndOtherSeedsOtherBytes() {
        CorpusGenerator again = new CorpusGenerator(CorpusSpec.small(11, 300));
        CorpusGenerator other = new CorpusGenerator(CorpusSpec.small(12, 300));
        for (int i : new int[] { 0, 17, 150, 299 }) {
            assertArrayEquals(messages.get(i).raw(), again.message(i).raw(), "message " + i);
            assertFalse(Arrays.equals(messages.get(i).raw(), other.message(i).raw()), "message " + i);
        }
    }

    @Test
    void everyLineEndsInCrlfAndNoMessageHoldsNul() {
        for (SampleMessage m : messages) {
            byte[] raw = m.raw();
            for (int k = 0; k < raw.length; k++) {
                assertTrue(raw[k] != 0, m + " has NUL at " + k);
                if (raw[k] == '\n') {
                    assertTrue(k > 0 && raw[k - 1] == '\r', m + " has a bare LF at " + k);
                }
                if (raw[k] == '\r') {
                    assertTrue(k + 1 < raw.length && raw[k + 1] == '\n', m + " has a bare CR at " + k);
                }
            }
            assertTrue(raw[raw.length - 2] == '\r' && raw[raw.length - 1] == '\n', m + " does not end with CRLF");
        }
    }

    @Test
    void sizesFollowTheConfiguredMix() {
        CorpusSpec spec = CorpusSpec.small(5, 1000).withSizeMix(CorpusSpec.realisticSizeMix()).withOddityShare(0);
        CorpusGenerator corpus = new CorpusGenerator(spec);
        int[] perBand = new int[3];
        long total = 0;
        for (int i = 0; i < corpus.messageCount(); i++) {
            for (int b = 0; b < 3; b++) {
                if (spec.sizeMix().get(b).contains(corpus.targetSize(i))) {
                    perBand[b]++;
                }
            }
            SampleMessage m = corpus.message(i);
            total += m.size();
            long slack = m.targetSize() / 5 + 1536;
            assertTrue(Math.abs(m.size() - m.targetSize()) <= slack, m + " aimed at " + m.targetSize());
        }
        assertArrayEquals(new int[] { 909, 90, 1 }, perBand);
        assertEquals(corpus.approximateTotalBytes(), total, corpus.approximateTotalBytes() * 0.02);
    }

    @Test
    void benchmarkCorpusIsAbout400MegabytesIn5000Messages() {
        CorpusGenerator corpus = new CorpusGenerator(CorpusSpec.benchmark(42));
        assertEquals(5000, corpus.messageCount());
        long megabytes = corpus.approximateTotalBytes() / (1024 * 1024);
        assertTrue(megabytes >= 340 && megabytes <= 460, megabytes + " MB");
        long large = java.util.stream.IntStream.range(0, 5000).filter(i -> corpus.targetSize(i) >= 5L << 20).count();
        assertEquals(5, large);
    }

    @Test
    void limitMessagesStraddleThe35MegabyteLimitInInbox() {
        CorpusGenerator corpus = new CorpusGenerator(CorpusSpec.small(3, 20).withLimitMessages(true, true));
        List<SampleMessage> big = corpus.messages().filter(m -> m.size() > 30L << 20).collect(Collectors.toList());
        assertEquals(2, big.size());
        long below = big.stream().filter(m -> m.size() < CorpusSpec.MIGRATION_SIZE_LIMIT).count();
        assertEquals(1, below, "one message just below the limit");
        for (SampleMessage m : big) {
            assertTrue(m.folder().isInbox(), m.toString());
            assertEquals(m.targetSize(), m.size(), 64 * 1024, m.toString());
        }
    }

    @Test
    void everyFolderWithAShareGetsMessagesAndParentsStayEmpty() {
        Map<FolderPath, Integer> counts = new HashMap<>();
        messages.forEach(m -> counts.merge(m.folder(), 1, Integer::sum));
        for (CorpusFolder folder : CorpusSpec.standardFolders()) {
            if (folder.share() > 0) {
                assertTrue(counts.getOrDefault(folder.path(), 0) > 0, folder.path() + " is empty");
            } else {
                assertNull(counts.get(folder.path()), folder.path() + " should stay empty");
            }
        }
    }

    @Test
    void allCharsetsKindsAndOdditiesOccur() {
        Set<String> charsets = messages.stream().map(SampleMessage::charset).collect(Collectors.toSet());
        assertEquals(Set.of("UTF-8", "ISO-8859-1", "ISO-8859-15", "windows-1252", "KOI8-R", "Shift_JIS", "ISO-2022-JP",
                "GB2312"), charsets);
        assertEquals(EnumSet.allOf(SampleMessageKind.class),
                messages.stream().map(SampleMessage::kind).collect(Collectors.toCollection(() -> EnumSet.noneOf(SampleMessageKind.class))));
        EnumSet<CorpusOddity> oddities = EnumSet.noneOf(CorpusOddity.class);
        messages.stream().filter(m -> m.oddity() != null).forEach(m -> oddities.add(m.oddity()));
        assertEquals(EnumSet.allOf(CorpusOddity.class), oddities);
    }

    @Test
    void odditiesAreReallyInTheBytes() {
        Set<String> wellFormedIds = new HashSet<>();
        messages.stream().filter(m -> m.oddity() == null).forEach(m -> wellFormedIds.add(m.messageId()));
        for (SampleMessage m : messages) {
            String headers = headerSection(m);
            String text = new String(m.raw(), StandardCharsets.ISO_8859_1);
            if (m.oddity() == null) {
                assertTrue(headers.contains("\r\nMessage-ID: " + m.messageId() + "\r\n"), m.toString());
                assertTrue(headers.chars().allMatch(c -> c < 0x80), m + " has 8-bit header bytes");
                assertTrue(longestLine(m.raw()) <= 998, m + " has an over-long line");
                continue;
            }
            switch (m.oddity()) {
            case MISSING_MESSAGE_ID -> {
                assertNull(m.messageId());
                assertFalse(headers.toLowerCase().contains("\nmessage-id:"), m.toString());
            }
            case DUPLICATE_MESSAGE_ID -> assertTrue(wellFormedIds.contains(m.messageId()), m.toString());
            case RAW_8BIT_HEADERS -> assertTrue(headers.chars().anyMatch(c -> c >= 0x80), m.toString());
            case OVERLONG_LINES -> assertTrue(longestLine(m.raw()) > 998, m.toString());
            case MISSING_END_BOUNDARY -> {
                String boundary = text.replaceAll("(?s).*?boundary=\"([^\"]+)\".*", "$1");
                assertTrue(text.contains("--" + boundary + "\r\n"), m.toString());
                assertFalse(text.contains("--" + boundary + "--"), m.toString());
            }
            case WRONG_CONTENT_TYPE -> {
                assertTrue(headers.contains("Content-Type: multipart/mixed"), m.toString());
                assertFalse(text.substring(headers.length()).contains("\r\n--"), m.toString());
            }
            case MISLABELED_CHARSET -> assertTrue(text.contains("charset=\"ISO-8859-1\""), m.toString());
            }
        }
    }

    @Test
    void repliesReferToTheirThread() {
        Map<String, Integer> generatedIds = new HashMap<>();
        CorpusGenerator corpus = new CorpusGenerator(CorpusSpec.small(11, 300));
        for (int i = 0; i < 300; i++) {
            generatedIds.put(corpus.generatedMessageId(i), i);
        }
        int replies = 0;
        int laterThanParent = 0;
        for (SampleMessage m : messages) {
            String headers = headerSection(m);
            int at = headers.indexOf("\r\nIn-Reply-To: ");
            if (at >= 0) {
                replies++;
                String parent = headers.substring(at + 15, headers.indexOf("\r\n", at + 2));
                assertTrue(generatedIds.containsKey(parent), m + " replies to unknown " + parent);
                if (m.internalDate().isAfter(messages.get(generatedIds.get(parent)).internalDate())) {
                    laterThanParent++;
                }
                assertTrue(headers.contains("\r\nReferences: "), m + " has In-Reply-To but no References");
            }
        }
        assertTrue(replies > 50, replies + " replies");
        // Archive folders keep their year, so some replies cannot follow their parent in time.
        assertTrue(laterThanParent > replies * 0.6, laterThanParent + " of " + replies + " replies after their parent");
    }

    @Test
    void flagsSuitTheFolders() {
        List<String> keywords = new ArrayList<>();
        for (SampleMessage m : messages) {
            keywords.addAll(m.flags().keywords());
            String folder = m.folder().toString();
            if (folder.equals("Drafts")) {
                assertTrue(m.flags().has(SystemFlag.DRAFT), m.toString());
            } else {
                assertFalse(m.flags().has(SystemFlag.DRAFT), m.toString());
            }
            if (folder.equals("Sent")) {
                assertTrue(m.flags().has(SystemFlag.SEEN), m.toString());
            }
            assertTrue(!m.deleted() || folder.equals("Trash"), m.toString());
        }
        assertTrue(keywords.containsAll(List.of("$Forwarded", "$Label1", "Important")), keywords.toString());
        assertTrue(messages.stream().anyMatch(SampleMessage::deleted));
        assertTrue(messages.stream().anyMatch(m -> m.flags().has(SystemFlag.ANSWERED)));
        assertTrue(messages.stream().anyMatch(m -> m.flags().has(SystemFlag.FLAGGED)));
    }

    @Test
    void internalDatesSpreadOverYearsAndArchivesKeepTheirYear() {
        Set<Integer> years = new HashSet<>();
        for (SampleMessage m : messages) {
            int year = m.internalDate().atZone(java.time.ZoneOffset.UTC).getYear();
            years.add(year);
            if (m.folder().equals(FolderPath.of("Archive", "2023"))) {
                assertEquals(2023, year, m.toString());
            }
        }
        assertTrue(years.size() >= 6, years.toString());
    }

    @Test
    void headersCarryEncodedWordsInTheMessageCharset() {
        int encodedSubjects = 0;
        for (SampleMessage m : messages) {
            String headers = headerSection(m);
            if (headers.contains("\r\nSubject: =?" + m.charset() + "?")) {
                encodedSubjects++;
            }
        }
        assertTrue(encodedSubjects > 100, encodedSubjects + " encoded subjects");
        assertNotNull(messages.stream().filter(m -> headerSection(m).contains("?Q?")).findAny().orElse(null));
    }

    static String headerSection(SampleMessage m) {
        String text = new String(m.raw(), StandardCharsets.ISO_8859_1);
        return text.substring(0, text.indexOf("\r\n\r\n") + 2);
    }

    static int longestLine(byte[] raw) {
        int longest = 0;
        int start = 0;
        for (int k = 0; k < raw.length; k++) {
            if (raw[k] == '\n') {
                longest = Math.max(longest, k - 1 - start);
                start = k + 1;
            }
        }
        return longest;
    }
}
