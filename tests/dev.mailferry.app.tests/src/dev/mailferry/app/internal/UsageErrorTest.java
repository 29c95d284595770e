package dev.mailferry.app.internal;

import static dev.mailferry.app.internal.CommandRun.mailferry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit code 2 for every command line that does not say what to do, as README.md documents; help asked for is 0. */
class UsageErrorTest {

    @TempDir
    Path root;

    @Test
    void noCommandIsAUsageErrorWithTheUsageOnStandardError() {
        var run = mailferry();
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.all());
        assertEquals("", run.out(), run.all());
        assertTrue(run.err().contains("Usage: mailferry"), run.all());
        assertTrue(run.err().contains("\n  batch "), run.all());
    }

    @Test
    void anUnknownCommandIsAUsageErrorAlsoWithHelp() {
        for (List<String> args : List.of(List.of("frobnicate"), List.of("frobnicate", "--help"), List.of("--help", "frobnicate"),
                List.of("help", "frobnicate"), List.of("batch", "frobnicate", "--help"), List.of("batch", "list", "extra", "--help"))) {
            var run = mailferry(args.toArray(String[]::new));
            assertEquals(ExitCodes.USAGE, run.exitCode(), args + ": " + run.all());
            assertEquals("", run.out(), args + ": " + run.all());
            assertTrue(run.err().contains("frobnicate") || run.err().contains("extra"), args + ": " + run.all());
        }
        for (String group : List.of("batch", "source", "project")) {
            var run = mailferry(group); // a group without its subcommand
            assertEquals(ExitCodes.USAGE, run.exitCode(), group + ": " + run.all());
            assertTrue(run.err().contains("Usage: mailferry " + group), group + ": " + run.all());
        }
        var typo = mailferry("bach", "--help");
        assertTrue(typo.err().contains("batch"), typo.all()); // did you mean
    }

    @Test
    void helpForARealCommandIsStillFine() {
        for (List<String> args : List.of(List.of("--help"), List.of("-h"), List.of("help"), List.of("help", "batch"),
                List.of("batch", "--help"), List.of("batch", "create", "--help"), List.of("source", "set", "--help"),
                List.of("--version"))) {
            var run = mailferry(args.toArray(String[]::new));
            assertEquals(ExitCodes.OK, run.exitCode(), args + ": " + run.all());
            assertTrue(run.out().contains("Usage: mailferry") || run.out().startsWith("Mailferry "), args + ": " + run.all());
        }
    }

    @Test
    void badBatchOptionsAreUsageErrorsNamingTheOption() {
        Path project = root.resolve("batches");
        assertEquals(0, mailferry("project", "create", project.toString()).exitCode());
        String[][] wrong = { { "--parallel", "0", "--parallel must be at least 1, not 0" },
                { "--parallel", "-2", "--parallel must be at least 1, not -2" },
                { "--max-items", "-5", "--max-items must be at least 1, not -5" },
                { "--max-items", "0", "--max-items must be at least 1, not 0" },
                { "--max-message-size", "0", "--max-message-size: not a size of at least one byte: '0'" },
                { "--max-message-size", "0.5", "--max-message-size: not a size of at least one byte: '0.5'" },
                { "--max-message-size", "-35MB", "--max-message-size: not a size of at least one byte: '-35MB'" },
                { "--max-message-size", "NaN", "--max-message-size: not a size of at least one byte: 'NaN'" },
                { "--max-message-size", "lots", "--max-message-size: not a size of at least one byte: 'lots'" },
                { "--exclude-folder", "", "--exclude-folder '' names no folder" },
                { "--exclude-folder", "/", "--exclude-folder '/' names no folder" } };
        for (String[] option : wrong) {
            var run = mailferry("batch", "create", "-p", project.toString(), "wave", option[0], option[1]);
            assertEquals(ExitCodes.USAGE, run.exitCode(), option[0] + " " + option[1] + ": " + run.all());
            assertTrue(run.err().contains(option[2]), run.all());
        }
        var demo = mailferry("demo", "--mailboxes", "0");
        assertEquals(ExitCodes.USAGE, demo.exitCode(), demo.all());
        assertTrue(demo.err().contains("--mailboxes must be at least 1, not 0"), demo.all());
    }
}
