package io.unlearn.cli.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unlearn.cli.receipts.ReceiptVerifier.Check;
import io.unlearn.cli.receipts.ReceiptVerifier.Mismatch;
import io.unlearn.cli.receipts.ReceiptVerifier.Outcome;
import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.kit.receipts.ReceiptKey;
import io.unlearn.kit.receipts.ReceiptKeys;
import io.unlearn.registry.RegistryFixtures.InMemoryRegistry;
import io.unlearn.registry.receipts.ReceiptIssuer;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.Verdict;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static io.unlearn.registry.RegistryFixtures.JSON;
import static io.unlearn.registry.RegistryFixtures.T0;
import static io.unlearn.registry.RegistryFixtures.candidate;
import static io.unlearn.registry.RegistryFixtures.registration;
import static io.unlearn.registry.RegistryFixtures.verification;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The receipt checks on a receipt the registry's own issuer signed over an in-memory registry: an untouched receipt
 * verifies; any changed field, in the receipt or its signature, is named.
 */
class ReceiptVerifierTest {

    @TempDir
    Path dir;

    private InMemoryRegistry registry;
    private DirectoryArtifactStore artifacts;
    private ReceiptKey key;
    private ObjectNode document;
    private String digest;

    @BeforeEach
    void setUp() throws Exception {
        artifacts = new DirectoryArtifactStore(dir.resolve("artifacts"));
        registry = new InMemoryRegistry(artifacts);
        registry.register(registration("m1", "base weights"));
        digest = registry.store("v1 weights");
        registry.candidate(candidate("m1", "v1", "base", "m1-0001", digest, "r-1"));
        registry.verification(verification("m1", "v1", "m1-0001", Verdict.PASSED, "r-1"));
        for (RequestState state : List.of(RequestState.BATCHED, RequestState.UNLEARNED, RequestState.VERIFIED)) {
            registry.state.apply(RequestStatus.newBuilder().setRequestId("r-1").setState(state).setModelId("m1")
                    .setBatchId("m1-0001").setVersionId(state == RequestState.BATCHED ? null : "v1")
                    .setStage("verifier").setAt(T0.plusSeconds(state.ordinal())).build());
        }
        key = ReceiptKeys.generate(dir.resolve("receipt-key.pem"));
        document = ReceiptIssuer.signingWith(key, registry.state, Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC))
                .receipt("r-1");
    }

    private List<Check> checks(JsonNode doc, ReceiptKey verifyingKey) {
        return List.of(ReceiptVerifier.signature(doc, verifyingKey.publicKey(), "the test key"),
                ReceiptVerifier.artifacts(doc, artifacts, "the test store"),
                ReceiptVerifier.lineage(doc, registry.state.events(), "unlearning.lineage"));
    }

    private static List<Mismatch> mismatches(List<Check> checks) {
        return checks.stream().flatMap(c -> c.mismatches().stream()).toList();
    }

    @Test
    void shouldVerifyAnUntouchedReceiptInEveryCheck() throws Exception {
        // When the receipt is checked as stored, and after a round trip through a pretty-printed file
        JsonNode reread = JSON.readTree(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));

        // Then every check passes
        for (JsonNode doc : List.of(document, reread)) {
            List<Check> checks = checks(doc, key);
            assertTrue(checks.stream().allMatch(c -> c.outcome() == Outcome.OK), checks.toString());
        }
    }

    @Test
    void shouldVerifyWhateverTheOrderOfTheReceiptsKeys() throws Exception {
        // Given the receipt with every object's keys in reverse order
        JsonNode reordered = reversed(document);
        assertFalse(JSON.writeValueAsString(reordered).equals(JSON.writeValueAsString(document)));

        // Then its signature still holds
        assertEquals(Outcome.OK, ReceiptVerifier.signature(reordered, key.publicKey(), "k").outcome());
    }

    @Test
    void shouldNameEveryFieldThatWasChanged() {
        List<List<Object>> leaves = new ArrayList<>();
        collectLeaves(document, new ArrayList<>(), leaves);
        assertTrue(leaves.size() > 30, "the receipt has its fields: " + leaves.size());

        for (List<Object> leaf : leaves) {
            // Given the receipt with one field changed
            ObjectNode tampered = document.deepCopy();
            change(tampered, leaf);
            String field = fieldName(leaf);

            // When it is checked
            List<Mismatch> found = mismatches(checks(tampered, key));

            // Then the signature no longer holds, and what the lineage proves is named by its own field
            assertTrue(found.stream().anyMatch(m -> m.field().startsWith("signature")), field + ": " + found);
            if (field.startsWith("models[0].")) {
                assertTrue(found.stream().anyMatch(m -> m.field().equals(field)), field + ": " + found);
            }
            if (List.of("requestId", "format", "signature.keyId", "signature.algorithm").contains(field)) {
                assertTrue(found.stream().anyMatch(m -> m.field().equals(field)), field + ": " + found);
            }
        }
    }

    @Test
    void shouldNameTheDigestTheEventHashTheMetricTheThresholdAndTheTimestamps() {
        for (String field : List.of("models[0].artifactDigest", "models[0].candidateRecorded.hash",
                "models[0].verificationRecorded.hash", "models[0].lineageHead.hash", "models[0].checks[0].value",
                "models[0].checks[0].threshold", "models[0].checks[0].margin", "models[0].verifiedAt",
                "models[0].candidateRecorded.recordedAt")) {
            ObjectNode tampered = document.deepCopy();
            change(tampered, path(field));

            List<Mismatch> found = mismatches(checks(tampered, key));

            assertTrue(found.stream().anyMatch(m -> m.field().equals(field)), field + ": " + found);
        }
        ObjectNode digestChanged = document.deepCopy();
        change(digestChanged, path("models[0].artifactDigest"));
        assertTrue(ReceiptVerifier.artifacts(digestChanged, artifacts, "the test store").mismatches().get(0)
                .problem().startsWith("no artifact "), "the artifact check names it too");
    }

    @Test
    void shouldFailWhenAFieldIsAddedOrRemoved() {
        ObjectNode added = document.deepCopy();
        ((ObjectNode) added.get("receipt")).put("reason", "asked by the data subject");
        ObjectNode removed = document.deepCopy();
        ((ObjectNode) removed.get("receipt")).remove("deadline");

        for (ObjectNode doc : List.of(added, removed)) {
            assertEquals("signature", ReceiptVerifier.signature(doc, key.publicKey(), "k").mismatches().get(0)
                    .field());
        }
    }

    @Test
    void shouldRejectASignatureMadeWithAnotherKey() throws Exception {
        // Given the same receipt verified with a key that did not sign it
        ReceiptKey other = ReceiptKeys.generate(dir.resolve("other.pem"));

        Check check = ReceiptVerifier.signature(document, other.publicKey(), "the other key");

        // Then both the key id and the signature are named
        assertEquals(List.of("signature.keyId", "signature"), check.mismatches().stream().map(Mismatch::field)
                .toList());
    }

    @Test
    void shouldNameTheDigestOfAnArtifactAlteredAfterTheReceiptWasIssued() throws Exception {
        Files.writeString(dir.resolve("artifacts").resolve(digest.substring(0, 2)).resolve(digest), "tampered");

        Check check = ReceiptVerifier.artifacts(document, artifacts, "the test store");

        assertEquals(Outcome.MISMATCH, check.outcome());
        assertEquals("models[0].artifactDigest", check.mismatches().get(0).field());
        assertTrue(check.mismatches().get(0).problem().contains("now hashes to "), check.toString());
    }

    // ---------------------------------------------------------------- tree helpers

    /** Every leaf's path (object keys and array indexes) under the document, signature included. */
    private static void collectLeaves(JsonNode node, List<Object> path, List<List<Object>> leaves) {
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(k -> {
                List<Object> next = new ArrayList<>(path);
                next.add(k);
                collectLeaves(node.get(k), next, leaves);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                List<Object> next = new ArrayList<>(path);
                next.add(i);
                collectLeaves(node.get(i), next, leaves);
            }
        } else {
            leaves.add(path);
        }
    }

    /** A path as the verifier names it: inside the receipt object, or under {@code signature}. */
    private static String fieldName(List<Object> path) {
        StringBuilder name = new StringBuilder(path.get(0).equals("signature") ? "signature" : "");
        for (Object step : path.subList(1, path.size())) {
            name.append(step instanceof Integer i ? "[" + i + "]" : (name.length() == 0 ? "" : ".") + step);
        }
        return name.toString();
    }

    /** The document path of a receipt field name such as {@code models[0].checks[0].threshold}. */
    private static List<Object> path(String field) {
        List<Object> path = new ArrayList<>(List.of("receipt"));
        for (String part : field.split("\\.")) {
            int bracket = part.indexOf('[');
            path.add(bracket < 0 ? part : part.substring(0, bracket));
            if (bracket >= 0) {
                path.add(Integer.parseInt(part.substring(bracket + 1, part.length() - 1)));
            }
        }
        return path;
    }

    /** Changes the leaf at {@code path} to a different value of the same kind. */
    private static void change(ObjectNode doc, List<Object> path) {
        JsonNode parent = doc;
        for (Object step : path.subList(0, path.size() - 1)) {
            parent = step instanceof Integer i ? parent.get(i) : parent.get((String) step);
        }
        Object last = path.get(path.size() - 1);
        JsonNode value = last instanceof Integer i ? parent.get(i) : parent.get((String) last);
        JsonNode changed;
        if (value.isTextual()) {
            String t = value.asText();
            char c = t.isEmpty() ? 'x' : t.charAt(t.length() - 1);
            changed = JSON.getNodeFactory().textNode(t.isEmpty() ? "x"
                    : t.substring(0, t.length() - 1) + (c == '0' ? '1' : c == 'Z' ? 'z' : '0'));
        } else if (value.isIntegralNumber()) {
            changed = JSON.getNodeFactory().numberNode(value.asLong() + 1);
        } else if (value.isNumber()) {
            changed = JSON.getNodeFactory().numberNode(value.asDouble() + 0.01);
        } else if (value.isBoolean()) {
            changed = JSON.getNodeFactory().booleanNode(!value.asBoolean());
        } else {
            changed = JSON.getNodeFactory().textNode("tampered");
        }
        if (last instanceof Integer i) {
            ((ArrayNode) parent).set(i, changed);
        } else {
            ((ObjectNode) parent).set((String) last, changed);
        }
    }

    private static JsonNode reversed(JsonNode node) {
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(k -> keys.add(0, k));
            ObjectNode copy = JSON.createObjectNode();
            keys.forEach(k -> copy.set(k, reversed(node.get(k))));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            node.forEach(e -> copy.add(reversed(e)));
            return copy;
        }
        return node;
    }
}
