package io.unlearn.schemas;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guards released contracts. When a schema is released, copy it (fully resolved, as {@code Schema.toString(true)}
 * prints it) to {@code src/test/resources/io/unlearn/schemas/history/<Record>/v<n>.avsc}; from then on this test
 * rejects any change to the {@code .avsc} files that could not read it.
 */
class SchemaEvolutionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldReadEveryReleasedVersionOfEveryTopicWithTheCurrentSchema() throws Exception {
        // Given every topic's current value schema and its released versions
        List<String> problems = new ArrayList<>();
        for (Topic<?> topic : Topics.ALL) {
            Schema current = SpecificData.get().getSchema(topic.valueType());
            for (Path released : history(current.getName())) {
                // When the current schema is checked as the reader of data written with the released one
                for (String p : SchemaEvolution.backwardIncompatibilities(current, parse(released))) {
                    problems.add(topic.name() + " vs " + released.getParent().getFileName() + "/"
                            + released.getFileName() + ": " + p);
                }
            }
        }
        // Then nothing is incompatible
        assertEquals(List.of(), problems, "a released schema can no longer be read; give new fields a default, "
                + "keep enum symbols, or publish under a new record name and topic");
    }

    @Test
    void shouldHaveAReleasedVersionForEveryTopicValueType() throws Exception {
        // Given every topic in Topics.ALL
        List<String> missing = new ArrayList<>();
        for (Topic<?> topic : Topics.ALL) {
            // When its history directory is listed
            String record = topic.valueType().getSimpleName();
            if (history(record).isEmpty()) {
                missing.add(record);
            }
        }
        // Then each has at least v1, so the guard above covers it
        assertEquals(List.of(), missing, "copy the released schema to history/<Record>/v1.avsc");
    }

    @Test
    void shouldReportAFieldAddedWithoutADefaultAsIncompatibleWithV1() throws Exception {
        // Given DeletionRequest with a new required field and no default
        Schema v1 = parse(history("DeletionRequest").get(0));
        Schema changed = withNewField(SpecificData.get().getSchema(Topics.DELETION_REQUESTS.valueType()),
                "tenantId", false);

        // When the changed schema is checked against v1
        List<String> problems = SchemaEvolution.backwardIncompatibilities(changed, v1);

        // Then the guard names the field
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("READER_FIELD_MISSING_DEFAULT") && problems.get(0).contains("tenantId"),
                problems.get(0));
    }

    @Test
    void shouldReportARemovedEnumSymbolAsIncompatibleWithV1() throws Exception {
        // Given RequestStatus whose state enum lost FAILED
        Schema v1 = parse(history("RequestStatus").get(0));
        ObjectNode json = (ObjectNode) JSON.readTree(v1.toString());
        for (var field : json.withArray("fields")) {
            if (field.get("name").asText().equals("state")) {
                ArrayNode symbols = ((ObjectNode) field.get("type")).withArray("symbols");
                symbols.remove(symbols.size() - 1);
            }
        }
        Schema changed = new Schema.Parser().parse(json.toString());

        // When it is checked against v1
        List<String> problems = SchemaEvolution.backwardIncompatibilities(changed, v1);

        // Then the missing symbol is reported
        assertFalse(problems.isEmpty());
        assertTrue(problems.get(0).contains("FAILED"), problems.get(0));
    }

    @Test
    void shouldAcceptAFieldAddedWithADefault() throws Exception {
        // Given DeletionRequest with a new optional field
        Schema v1 = parse(history("DeletionRequest").get(0));
        Schema changed = withNewField(v1, "tenantId", true);

        // When / Then it reads v1 data
        assertEquals(List.of(), SchemaEvolution.backwardIncompatibilities(changed, v1));
    }

    private static Schema withNewField(Schema base, String name, boolean withDefault) throws IOException {
        ObjectNode json = (ObjectNode) JSON.readTree(base.toString());
        ObjectNode field = json.withArray("fields").addObject().put("name", name).put("doc", "test field");
        if (withDefault) {
            field.putArray("type").add("null").add("string");
            field.putNull("default");
        } else {
            field.put("type", "string");
        }
        return new Schema.Parser().parse(json.toString());
    }

    static List<Path> history(String record) throws IOException, URISyntaxException {
        URL root = SchemaEvolutionTest.class.getResource("history");
        if (root == null) {
            return List.of();
        }
        Path dir = Path.of(root.toURI()).resolve(record);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("v\\d+\\.avsc")).sorted().toList();
        }
    }

    private static Schema parse(Path file) throws IOException {
        return new Schema.Parser().parse(file.toFile());
    }
}
