package io.unlearn.cli.requests;

import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.SamplePair;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestFileTest {

    private static final Instant NOW = Instant.parse("2026-12-06T02:00:00Z");

    private static List<RequestFile.Line> read(RequestFile.Format format, String text) throws IOException {
        return RequestFile.read(new BufferedReader(new StringReader(text)), format, NOW);
    }

    @Test
    void shouldBuildEveryScopeFromJsonLinesAndNumberLinesAsInTheFile() throws IOException {
        // Given one request per scope, with a blank line between them
        String text = """
                {"requestId":"r-1","scope":"SAMPLES","sampleIds":["17", 18],"modelIds":["m1"],"reason":"takedown"}

                {"requestId":"r-2","scope":"subject","subjectId":"user-1","requestedAt":"2026-12-01T00:00:00Z"}
                {"requestId":"r-3","scope":"CLASS","classLabel":7,"modelIds":["m1"],"deadline":1767225600000}
                {"requestId":"r-4","scope":"PAIRS","pairs":[{"imageId":"1","captionId":"1"},["2","2"]],"modelIds":["clip"]}
                """;

        // When the file is read
        List<RequestFile.Line> lines = read(RequestFile.Format.JSONL, text);

        // Then every line is valid, numbered as in the file, and carries its fields
        assertEquals(List.of(1, 3, 4, 5), lines.stream().map(RequestFile.Line::number).toList());
        assertTrue(lines.stream().allMatch(RequestFile.Line::valid), lines.toString());
        DeletionRequest samples = lines.get(0).request();
        assertEquals(DeletionScope.SAMPLES, samples.getScope());
        assertEquals(List.of("17", "18"), samples.getSampleIds());
        assertEquals("takedown", samples.getReason());
        assertEquals(NOW, samples.getRequestedAt());
        assertEquals(Instant.parse("2026-12-01T00:00:00Z"), lines.get(1).request().getRequestedAt());
        assertEquals(DeletionScope.SUBJECT, lines.get(1).request().getScope());
        assertEquals(7, lines.get(2).request().getClassLabel());
        assertEquals(Instant.ofEpochMilli(1767225600000L), lines.get(2).request().getDeadline());
        assertEquals(List.of(new SamplePair("1", "1"), new SamplePair("2", "2")), lines.get(3).request().getPairs());
    }

    @Test
    void shouldReportEveryProblemOfAnInvalidLineWithoutStoppingAtIt() throws IOException {
        // Given lines that break one or more rules
        String text = """
                {"requestId":"r-1","scope":"SAMPLES","sampleIds":[],"modelIds":[]}
                {"requestId":"r-2","scope":"CLASS","classLabel":-1,"modelIds":["m1"],"sampleId":"x"}
                not json
                {"requestId":"r-3","scope":"ERASE"}
                {"requestId":"r-4","scope":"SUBJECT","subjectId":"u","deadline":"tomorrow"}
                {"requestId":"r-5","scope":"SUBJECT","subjectId":"u"}
                """;

        // When the file is read
        List<RequestFile.Line> lines = read(RequestFile.Format.JSONL, text);

        // Then each broken rule is named on its line, and the valid line after them is kept
        assertEquals(6, lines.size());
        assertProblem(lines.get(0), "scope SAMPLES needs at least one sample id");
        assertProblem(lines.get(0), "scope SAMPLES needs modelIds");
        assertProblem(lines.get(1), "unknown field 'sampleId'");
        assertProblem(lines.get(1), "classLabel -1 is negative");
        assertProblem(lines.get(2), "not a JSON object");
        assertProblem(lines.get(3), "scope 'ERASE' is not one of SAMPLES, SUBJECT, CLASS, PAIRS");
        assertProblem(lines.get(4), "deadline 'tomorrow' is neither an ISO-8601 instant");
        assertTrue(lines.get(5).valid(), lines.get(5).problems().toString());
    }

    @Test
    void shouldDeriveTheSameRequestIdFromTheSameContentAndAnotherFromOtherContent() throws IOException {
        // Given two reads of the same lines without request ids, at different times
        String text = """
                {"scope":"SUBJECT","subjectId":"user-1","reason":"GDPR"}
                {"scope":"SUBJECT","subjectId":"user-2","reason":"GDPR"}
                """;
        List<RequestFile.Line> first = read(RequestFile.Format.JSONL, text);
        List<RequestFile.Line> again = RequestFile.read(new BufferedReader(new StringReader(text)),
                RequestFile.Format.JSONL, NOW.plusSeconds(3600));

        // Then the ids are derived, stable across reads, and differ between different requests
        String id = first.get(0).request().getRequestId();
        assertTrue(id.startsWith(RequestFile.DERIVED_ID_PREFIX) && id.length() == 28, id);
        assertEquals(id, again.get(0).request().getRequestId());
        assertNotEquals(id, first.get(1).request().getRequestId());
    }

    @Test
    void shouldRejectARequestIdUsedTwiceInOneFile() throws IOException {
        String text = """
                {"requestId":"r-1","scope":"SUBJECT","subjectId":"a"}
                {"requestId":"r-1","scope":"SUBJECT","subjectId":"b"}
                {"scope":"SUBJECT","subjectId":"c"}
                {"scope":"SUBJECT","subjectId":"c"}
                """;

        List<RequestFile.Line> lines = read(RequestFile.Format.JSONL, text);

        assertTrue(lines.get(0).valid());
        assertProblem(lines.get(1), "requestId 'r-1' is already used on line 1");
        assertProblem(lines.get(3), "is already used on line 3 (same content, so the same derived id)");
    }

    @Test
    void shouldReadCsvWithQuotedFieldsListsAndPairs() throws IOException {
        // Given a CSV file with a comma inside a quoted reason, lists and pairs
        String text = """
                requestId,scope,subjectId,sampleIds,classLabel,pairs,modelIds,reason
                r-1,SAMPLES,,1;2; 3,,,m1;m2,"takedown, ""urgent\"""
                r-2,PAIRS,,,,4:4;5:6,clip,
                r-3,CLASS,,,x,,m1,
                r-4,"SUBJECT,user-1
                """;

        // When it is read
        List<RequestFile.Line> lines = read(RequestFile.Format.CSV, text);

        // Then the header is not a request, the fields are split as written, and bad lines say why
        assertEquals(List.of(2, 3, 4, 5), lines.stream().map(RequestFile.Line::number).toList());
        DeletionRequest samples = lines.get(0).request();
        assertEquals(List.of("1", "2", "3"), samples.getSampleIds());
        assertEquals(List.of("m1", "m2"), samples.getModelIds());
        assertEquals("takedown, \"urgent\"", samples.getReason());
        assertEquals(List.of(new SamplePair("4", "4"), new SamplePair("5", "6")), lines.get(1).request().getPairs());
        assertProblem(lines.get(2), "classLabel 'x' is not an integer");
        assertProblem(lines.get(3), "a quoted field is not closed");
    }

    @Test
    void shouldRefuseACsvHeaderWithAnUnknownColumn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(RequestFile.Format.CSV, "requestId,scope,sample_ids\nr-1,SAMPLES,1\n"));
        assertTrue(e.getMessage().contains("line 1 (CSV header): unknown column 'sample_ids'"), e.getMessage());
    }

    @Test
    void shouldPickTheFormatFromTheFileName() {
        assertEquals(RequestFile.Format.CSV, RequestFile.Format.of(java.nio.file.Path.of("a/requests.CSV")));
        assertEquals(RequestFile.Format.JSONL, RequestFile.Format.of(java.nio.file.Path.of("requests.jsonl")));
    }

    private static void assertProblem(RequestFile.Line line, String expected) {
        assertTrue(line.problems().stream().anyMatch(p -> p.contains(expected)),
                "line " + line.number() + ": expected a problem containing '" + expected + "' in " + line.problems());
    }
}
