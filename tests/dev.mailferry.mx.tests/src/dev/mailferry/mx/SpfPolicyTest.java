package dev.mailferry.mx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SPF record selection and syntax (RFC 7208) as the cutover sees it. */
class SpfPolicyTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "v=spf1 include:spf.protection.outlook.com -all | INCLUDES_EXCHANGE_ONLINE",
            "V=SPF1 ip4:192.0.2.0/24 INCLUDE:SPF.PROTECTION.OUTLOOK.COM ~all | INCLUDES_EXCHANGE_ONLINE",
            "v=spf1 redirect=spf.protection.outlook.com | INCLUDES_EXCHANGE_ONLINE",
            "v=spf1 mx a:mail.example.com/24 ip6:2001:db8::/32 ptr exists:%{i}.spf.example.com ?all | WITHOUT_EXCHANGE_ONLINE",
            "v=spf1 include:spf.protection.outlook.com.evil.example -all | WITHOUT_EXCHANGE_ONLINE",
            "v=spf1 | WITHOUT_EXCHANGE_ONLINE",
            "v=spf1 include:spf.protection.outlook.com ip4:300.1.2.3 -all | PERMERROR_SYNTAX",
            "v=spf1 include:spf.protection.outlook.com ip4:192.0.2.1/33 -all | PERMERROR_SYNTAX",
            "v=spf1 include:spf.protection.outlook.com all:example.com | PERMERROR_SYNTAX",
            "v=spf1 include -all | PERMERROR_SYNTAX",
            "v=spf1 includes:spf.protection.outlook.com -all | PERMERROR_SYNTAX",
            "v=spf1 redirect=a.example redirect=b.example | PERMERROR_SYNTAX",
            "v=spf1 include:spf.protection.outlook.com -all foo=bar | INCLUDES_EXCHANGE_ONLINE",
    })
    void oneRecord(String record, SpfFinding.Status expected) {
        SpfFinding finding = SpfPolicy.judge(List.of(record));
        assertEquals(expected, finding.status(), finding.detail());
        assertEquals(List.of(record), finding.records());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "google-site-verification=abc", "v=spf10 -all", "MS=ms12345678" })
    void otherTxtRecordsAreNoSpf(String text) {
        assertEquals(SpfFinding.Status.MISSING, SpfPolicy.judge(List.of(text)).status());
    }

    @org.junit.jupiter.api.Test
    void twoRecordsAreAPermerrorWhateverTheyHold() {
        SpfFinding finding = SpfPolicy.judge(List.of("v=spf1 include:spf.protection.outlook.com -all", "MS=ms1",
                "v=spf1 mx -all"));
        assertEquals(SpfFinding.Status.PERMERROR_MULTIPLE_RECORDS, finding.status());
        assertEquals(2, finding.records().size());
        assertTrue(finding.detail().contains("2 SPF records"), finding.detail());
    }

    @org.junit.jupiter.api.Test
    void theSyntaxErrorNamesTheTerm() {
        SpfFinding finding = SpfPolicy.judge(List.of("v=spf1 +mx ip4:10.0.0.1/40 -all"));
        assertEquals(SpfFinding.Status.PERMERROR_SYNTAX, finding.status());
        assertTrue(finding.detail().contains("'ip4:10.0.0.1/40'"), finding.detail());
    }
}
