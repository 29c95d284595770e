package dev.mailferry.core.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MailboxCsvImporterTest {

    private final MailboxCsvImporter importer = new MailboxCsvImporter();

    @Test
    void readsExchangeFormatWithOptionalUserRoot() throws IOException {
        CsvImportResult result = importer.parse("""
                EmailAddress,UserName,Password,UserRoot
                terrya@contoso.edu,contoso\\terry.adams,1091990,/users/terry.adams
                annb@contoso.edu,ann.beebe,2111991,
                """);
        assertEquals(List.of(), result.problems());
        assertEquals(2, result.mailboxes().size());
        ImportedMailbox terry = result.mailboxes().get(0);
        assertEquals(2, terry.line());
        assertEquals("terrya@contoso.edu", terry.entry().emailAddress());
        assertEquals("contoso\\terry.adams", terry.entry().sourceUserName());
        assertEquals("/users/terry.adams", terry.entry().userRoot());
        assertEquals("1091990", terry.sourcePassword().reveal());
        assertTrue(terry.targetPassword().isEmpty());
        assertNull(result.mailboxes().get(1).entry().userRoot());
    }

    @Test
    void headerNamesAreCaseInsensitiveAndColumnsMayComeInAnyOrder() throws IOException {
        CsvImportResult result = importer.parse("password,EMAILADDRESS,username\nsecret,a@example.com,alice\n");
        assertEquals(List.of(), result.problems());
        assertEquals("alice", result.mailboxes().get(0).entry().sourceUserName());
        assertEquals("secret", result.mailboxes().get(0).sourcePassword().reveal());
    }

    @Test
    void acceptsSemicolonsQuotesBomAndCrLf() throws IOException {
        byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };
        String body = "EmailAddress;UserName;Password;TargetUserName;TargetPassword\r\n"
                + "\"jürgen@例え.jp\";\"j;rgen\";\"pa\"\"ss;word\";jt@target.example;tpw\r\n";
        byte[] text = body.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, all, 0, bom.length);
        System.arraycopy(text, 0, all, bom.length, text.length);
        CsvImportResult result = importer.read(new ByteArrayInputStream(all));
        assertEquals(List.of(), result.problems());
        ImportedMailbox m = result.mailboxes().get(0);
        assertEquals("jürgen@例え.jp", m.entry().emailAddress());
        assertEquals("j;rgen", m.entry().sourceUserName());
        assertEquals("pa\"ss;word", m.sourcePassword().reveal());
        assertEquals("jt@target.example", m.entry().effectiveTargetUserName());
        assertEquals("tpw", m.targetPassword().reveal());
    }

    @Test
    void reportsEachBadRowWithLineColumnAndReasonAndImportsTheRest() throws IOException {
        CsvImportResult result = importer.parse("""
                EmailAddress,UserName,Password
                good1@example.com,good1,pw1
                not-an-address,bad,pw
                good2@example.com,,pw2

                good3@example.com,good3,
                GOOD1@example.com,again,pw
                "multi
                line"@example.com,x,y
                short@example.com
                good4@example.com,good4,pw4
                """);
        assertEquals(List.of("good1@example.com", "good4@example.com"),
                result.mailboxes().stream().map(m -> m.entry().emailAddress()).toList());
        assertEquals(11, result.mailboxes().get(1).line());
        List<String> problems = result.problems().stream().map(CsvProblem::toString).toList();
        assertEquals(7, problems.size(), problems.toString());
        assertEquals("line 3, column EmailAddress: invalid address 'not-an-address': no '@' in the address", problems.get(0));
        assertEquals("line 4, column UserName: empty UserName", problems.get(1));
        assertTrue(problems.get(2).startsWith("line 6, column Password: empty password; "), problems.get(2));
        assertEquals("line 7, column EmailAddress: duplicate EmailAddress GOOD1@example.com, first on line 2", problems.get(3));
        // a row is one line: the open quote costs line 8 only, and line 9 is read (and refused) on its own
        assertEquals("line 8, column EmailAddress: unterminated quote: the value opened with '\"' at character 1 has no"
                + " closing '\"' on this line; the row is skipped", problems.get(4));
        assertTrue(problems.get(5).startsWith("line 9, column EmailAddress: invalid address 'line\"@example.com'"), problems.get(5));
        assertEquals("line 10, column UserName: missing column", problems.get(6));
    }

    @Test
    void anUnterminatedQuoteCostsItsOwnLineOnlyAndTheGoodRowsAfterItAreImported() throws IOException {
        CsvImportResult result = importer.parse("""
                EmailAddress,UserName,Password
                "bad1@example.com,bad1,pw1
                good1@example.com,good1,pw1
                bad2@example.com,bad2,"pw2
                good2@example.com,good2,"p,w""2"
                "bad3@example.com"x,bad3,pw3
                good3@example.com,good3,pw3
                """);
        assertEquals(List.of("good1@example.com", "good2@example.com", "good3@example.com"),
                result.mailboxes().stream().map(m -> m.entry().emailAddress()).toList());
        assertEquals(List.of(3, 5, 7), result.mailboxes().stream().map(ImportedMailbox::line).toList());
        assertEquals("p,w\"2", result.mailboxes().get(1).sourcePassword().reveal());
        List<String> problems = result.problems().stream().map(CsvProblem::toString).toList();
        assertEquals(List.of(
                "line 2, column EmailAddress: unterminated quote: the value opened with '\"' at character 1 has no closing"
                        + " '\"' on this line; the row is skipped",
                "line 4, column Password: unterminated quote: the value opened with '\"' at character 23 has no closing"
                        + " '\"' on this line; the row is skipped",
                "line 6, column EmailAddress: text after the closing quote at character 19 (a '\"' inside a quoted value"
                        + " must be doubled: \"\"); the row is skipped"), problems);
    }

    @Test
    void aMissingPasswordColumnIsRefusedWithTheWayOutAndAcceptedWhenPasswordsAreOptional() throws IOException {
        String csv = "EmailAddress,UserName\na@example.com,a\n";
        CsvImportResult refused = importer.parse(csv);
        assertTrue(refused.mailboxes().isEmpty());
        assertEquals(1, refused.problems().size(), refused.problems().toString());
        CsvProblem problem = refused.problems().get(0);
        assertEquals(1, problem.line());
        assertEquals(MailboxCsvImporter.PASSWORD, problem.column());
        assertTrue(problem.reason().startsWith("missing from the header line; expected EmailAddress,UserName,Password"),
                problem.reason());
        assertTrue(problem.reason().contains("admin (master) user and password"), problem.reason());

        CsvImportResult accepted = new MailboxCsvImporter(true).parse(csv);
        assertEquals(List.of(), accepted.problems());
        assertEquals("a@example.com", accepted.mailboxes().get(0).entry().emailAddress());
        assertTrue(accepted.mailboxes().get(0).sourcePassword().isEmpty());
    }

    @Test
    void malformedFilesGiveOneClearProblemPerRowWithLineAndColumn() throws IOException {
        CsvImportResult result = importer.parse("""

                Email Address\tuser_name\tPASSWORD
                a@example.com\ta\t" spaced pw "
                b@example.com\tb\tpw\textra
                A@EXAMPLE.COM\tdup\tpw
                c.example.com\tc\tpw
                \t\t

                """);
        assertEquals(List.of("a@example.com"), result.mailboxes().stream().map(m -> m.entry().emailAddress()).toList());
        assertEquals(" spaced pw ", result.mailboxes().get(0).sourcePassword().reveal(), "quoted spaces are the password's");
        assertEquals(List.of(
                "line 4: 4 values, but the header line has 3 columns (a tab inside a value needs the value in double"
                        + " quotes); the row is skipped",
                "line 5, column EmailAddress: duplicate EmailAddress A@EXAMPLE.COM, first on line 3",
                "line 6, column EmailAddress: invalid address 'c.example.com': no '@' in the address"),
                result.problems().stream().map(CsvProblem::toString).toList());

        CsvImportResult headerOnly = importer.parse("\uFEFFEmailAddress;UserName;Password\r\n\r\n;;\r\n");
        assertEquals(List.of("line 2: no mailbox rows after the header line"),
                headerOnly.problems().stream().map(CsvProblem::toString).toList());
    }

    @Test
    void missingRequiredHeaderColumnIsOneProblemAndNothingImports() throws IOException {
        CsvImportResult result = importer.parse("EmailAddress,Login,Password\na@example.com,a,b\n");
        assertTrue(result.mailboxes().isEmpty());
        assertEquals(2, result.problems().size());
        assertEquals("line 1, column Login: unknown column, ignored (known: EmailAddress, UserName, Password, UserRoot, TargetUserName, TargetPassword)",
                result.problems().get(0).toString());
        assertEquals("line 1, column UserName: missing from the header line; expected EmailAddress,UserName,Password"
                + " (separator ',')", result.problems().get(1).toString());
    }

    @Test
    void passwordMayBeEmptyWhenTheEndpointHasAdminCredentials() throws IOException {
        CsvImportResult result = new MailboxCsvImporter(true).parse("EmailAddress,UserName,Password\na@example.com,a,\n");
        assertFalse(result.hasProblems());
        assertTrue(result.mailboxes().get(0).sourcePassword().isEmpty());
    }

    @Test
    void nonUtf8FileIsRejectedWithItsLine() throws IOException {
        byte[] latin1 = "EmailAddress,UserName,Password\nj\u00fcrgen@example.com,j,p\n".getBytes(StandardCharsets.ISO_8859_1);
        CsvImportResult result = importer.read(new ByteArrayInputStream(latin1));
        assertEquals(1, result.problems().size());
        assertEquals(2, result.problems().get(0).line());
        assertTrue(result.problems().get(0).reason().contains("not UTF-8"));
    }

    @Test
    void passwordsNeverShowInToString() throws IOException {
        CsvImportResult result = importer.parse("EmailAddress,UserName,Password\na@example.com,a,TopSecret1\n");
        assertFalse(result.toString().contains("TopSecret1"), result.toString());
    }

    @Test
    void addressSyntax() {
        assertNull(EmailAddresses.problem("first.last+tag@sub.example.co.uk"));
        assertNull(EmailAddresses.problem("o'brien@example.ie"));
        assertEquals("domain 'localhost' has no dot", EmailAddresses.problem("root@localhost"));
        assertTrue(EmailAddresses.problem("a..b@example.com").startsWith("invalid local part"));
        assertTrue(EmailAddresses.problem("a@-example.com").startsWith("invalid domain"));
        assertTrue(EmailAddresses.problem("a b@example.com").startsWith("invalid local part"));
    }
}
