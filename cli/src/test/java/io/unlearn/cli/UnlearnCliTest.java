package io.unlearn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnlearnCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = UnlearnCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void shouldListTheExitCodesInEveryCommandsHelp() {
        for (String[] args : new String[][] {{"--help"}, {"send", "--help"}, {"dlq", "replay", "--help"}}) {
            assertEquals(ExitCodes.OK, run(args));
            assertTrue(out.toString().contains("Exit codes:") && out.toString().contains("7   --wait / --follow"),
                    out.toString());
        }
    }

    @Test
    void shouldExitWithTheUsageCodeWithoutACommandOrWithAnUnknownOption() {
        assertEquals(ExitCodes.USAGE, run());
        assertEquals(ExitCodes.USAGE, run("send", "--no-such-option", "f.jsonl"));
        assertEquals(ExitCodes.USAGE, run("dlq", "replay"));
        assertTrue(err.toString().contains("name the entries to replay"), err.toString());
    }

    @Test
    void shouldReportInvalidLinesWithTheirNumbersOnADryRun(@TempDir Path dir) throws IOException {
        // Given a file with one valid and one invalid line
        Path file = dir.resolve("requests.jsonl");
        Files.writeString(file, """
                {"requestId":"r-1","scope":"SUBJECT","subjectId":"user-1"}
                {"requestId":"r-2","scope":"SAMPLES","modelIds":["m1"]}
                """);

        // When it is checked without sending
        int code = run("send", file.toString(), "--dry-run");

        // Then the invalid line is named with its number and the exit code says so
        assertEquals(ExitCodes.REJECTED, code);
        assertTrue(err.toString().contains(file + ":2: scope SAMPLES needs at least one sample id"), err.toString());
        assertTrue(out.toString().contains("2 requests, 1 valid, 1 invalid"), out.toString());
    }

    @Test
    void shouldExitWithTheUsageCodeForStatusWithoutARequestIdOrWithOneAndOverdue() {
        assertEquals(ExitCodes.USAGE, run("status", "--registry", "http://127.0.0.1:9"));
        assertTrue(err.toString().contains("name a REQUEST_ID, or list by deadline with --overdue"), err.toString());
        assertEquals(ExitCodes.USAGE, run("status", "r-1", "--overdue", "--registry", "http://127.0.0.1:9"));
        assertTrue(err.toString().contains("give no REQUEST_ID and no --follow with them"), err.toString());
    }

    @Test
    void shouldExitWithTheUsageCodeForAFileThatCannotBeRead(@TempDir Path dir) {
        assertEquals(ExitCodes.USAGE, run("send", dir.resolve("missing.jsonl").toString(), "--dry-run"));
        assertTrue(err.toString().contains("cannot read"), err.toString());
    }

    @Test
    void shouldExitAsUnavailableWhenTheModelRegistryDoesNotAnswer() {
        // port 9 (discard) is closed on a test machine: the connection is refused at once
        assertEquals(ExitCodes.UNAVAILABLE, run("models", "--registry", "http://127.0.0.1:9"));
        assertTrue(err.toString().contains("is the registry running?"), err.toString());
    }

    @Test
    void shouldReadDurationsAsOperatorsWriteThem() {
        DurationConverter converter = new DurationConverter();
        assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
        assertEquals(Duration.ofSeconds(30), converter.convert("30s"));
        assertEquals(Duration.ofMinutes(10), converter.convert("10m"));
        assertEquals(Duration.ofHours(2), converter.convert("PT2H"));
        assertEquals(Duration.ofDays(7), converter.convert("7d"));
        assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert("soon"));
    }
}
