package io.unlearn.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.localstack.NodeProject;
import io.unlearn.localstack.SharedStack;
import io.unlearn.kit.receipts.ReceiptKeys;
import io.unlearn.registry.InJvmModelRegistry;
import io.unlearn.registry.ModelRegistry;
import io.unlearn.registry.ModelRegistryConfig;
import io.unlearn.registry.RegistryHttp;
import io.unlearn.registry.RegistryInputs;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.Verdict;
import io.unlearn.schemas.v1.VerificationCheck;
import io.unlearn.schemas.v1.VerificationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.unlearn.registry.RegistryFixtures.JSON;
import static io.unlearn.registry.RegistryFixtures.T0;
import static io.unlearn.registry.RegistryFixtures.candidate;
import static io.unlearn.registry.RegistryFixtures.registrationJson;
import static io.unlearn.registry.RegistryFixtures.verification;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry's web page in a real headless browser: Debian's Chromium, driven by {@code playwright-core} from
 * {@code src/test/node/web-page.js}, against a registry on SharedStack's broker whose reads need the token. The
 * script does what an auditor would and reports what the page showed; screenshots go to
 * {@code target/screenshots/} ({@code registry-page.png} is the one in {@code docs/images/}).
 *
 * <p>Needs {@code node} and {@code npm} (README prerequisites; {@code npm ci} on the first run) and
 * {@code /usr/bin/chromium} ({@code .ci/run} installs it); without them the test fails and says what to install.
 */
class WebPageIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "screenshots");
    private static final Duration BROWSER_TIMEOUT = Duration.ofMinutes(5);
    private static final String MODEL = "fashion-classifier";
    private static final String BATCH_1 = MODEL + "-0000000001";
    private static final String BATCH_2 = MODEL + "-0000000002";
    private static final String BATCH_3 = MODEL + "-0000000003";
    private static final String FAILED = "v-5d1c0e7a9b3f2468ace1";
    private static final String PASSED = "v-0b7e44c2d19a8f3e6b25";
    private static final String PRODUCTION = "v-e3a9f07c1b5d6a2c4e88";
    private static final String PENDING = "v-71c2be903fa4d85e1c06";
    private static final String MARKUP = "<img src=x onerror=\"window.__injected=true\">";

    private static NodeProject browserScripts;

    @TempDir
    Path artifactDir;

    @TempDir
    Path keyDir;

    @BeforeAll
    static void needsNodeAndChromium() {
        assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: the web page test runs Debian's Chromium"
                + " (apt-get install chromium; .ci/run installs it when missing)");
        browserScripts = NodeProject.ofTests().installed("playwright-core");
    }

    @Test
    void shouldShowLineageMetricsAndRequestHistoryOnceTheAuditorPastesTheReadToken() throws Exception {
        // Given a registry whose reads need the token, with a base, a FAILED attempt, the PASSED retry, a PASSED
        // version after it (production) and a candidate not verified yet, and the statuses of their requests
        SharedStack stack = SharedStack.get();
        SchemaRegistryClient schemas = new RestSchemaRegistryClient(stack.registryUrl());
        String run = "it." + UUID.randomUUID().toString().substring(0, 8) + ".";
        Map<String, Object> settings = InJvmModelRegistry.settings(stack, artifactDir, run);
        settings.put(ModelRegistryConfig.HTTP_AUTH_READS_CONFIG, "token");
        Path receiptKey = keyDir.resolve("receipt-key.pem");
        ReceiptKeys.generate(receiptKey);
        settings.put(ModelRegistryConfig.RECEIPT_SIGNING_KEY_FILE_CONFIG, receiptKey.toString());
        ModelRegistryConfig config = ModelRegistryConfig.load(settings);
        Files.createDirectories(SCREENSHOTS);
        JsonNode seen;
        long browserMillis;
        try (ModelRegistry registry = ModelRegistry.start(config, schemas);
             RegistryInputs inputs = new RegistryInputs(stack.bootstrapServers(), config, schemas)) {
            RegistryHttp api = new RegistryHttp(registry);
            assertEquals(201, api.post("/models", registrationJson(MODEL, "base weights")).statusCode());
            recordVersions(inputs);
            recordStatuses(inputs);
            api.await("/models/" + MODEL + "/versions/" + PENDING, r -> r.statusCode() == 200);
            api.await("/models/" + MODEL + "/aliases/production", r -> r.body().contains(PRODUCTION));
            api.await("/requests/r-1", r -> r.body().contains("VERIFIED"));
            api.await("/requests/" + encoded(MARKUP), r -> r.statusCode() == 200);
            api.await("/requests/r-4", r -> r.statusCode() == 200);

            // When a browser opens the page, gets the token pasted, clicks every version and looks up requests
            long start = System.nanoTime();
            seen = JSON.readTree(browserScripts.run(BROWSER_TIMEOUT, List.of("node", "web-page.js",
                    JSON.writeValueAsString(Map.of("url", api.uri("/").toString(), "chromium", CHROMIUM.toString(),
                            "screenshots", SCREENSHOTS.toAbsolutePath().toString(), "token", InJvmModelRegistry.TOKEN,
                            "requestId", "r-1", "markupRequestId", MARKUP, "modelId", MODEL)))));
            browserMillis = (System.nanoTime() - start) / 1_000_000;
        }
        System.out.printf("WebPageIT: browser run took %d ms; screenshots in %s%n", browserMillis, SCREENSHOTS);

        // Then without the token the page loaded and said how to get in
        assertTrue(seen.path("withoutToken").path("notice").asText().contains("401"), seen.toString());
        assertTrue(seen.path("withoutToken").path("notice").asText().contains("http.auth.reads=token"));
        assertTrue(seen.path("noticeAfterToken").isNull(), "notice still shown: " + seen.path("noticeAfterToken"));
        assertTrue(seen.path("tokenStorage").path("session").asBoolean(), "token not kept in sessionStorage");
        assertEquals(0, seen.path("tokenStorage").path("local").asInt(), "nothing goes to localStorage");

        // And the model is listed with its family and production alias
        JsonNode model = modelSeen(seen);
        assertTrue(model.path("heading").asText().contains("classifier"), model.path("heading").asText());
        assertEquals(List.of("production → " + PRODUCTION), texts(model.path("aliases")));

        // And the lineage graph has one node per version, coloured by verdict and labelled with the method
        Map<String, JsonNode> nodes = new LinkedHashMap<>();
        model.path("nodes").forEach(n -> nodes.put(n.path("version").asText(), n));
        assertEquals(List.of("base", FAILED, PASSED, PRODUCTION, PENDING), List.copyOf(nodes.keySet()));
        assertNode(nodes.get("base"), "BASE", "rgb(74, 111, 165)", "base · classifier");
        assertNode(nodes.get(FAILED), "FAILED", "rgb(192, 57, 43)", "contrastive #0");
        assertNode(nodes.get(PASSED), "PASSED", "rgb(46, 139, 87)", "retrain #1");
        assertNode(nodes.get(PRODUCTION), "PASSED", "rgb(46, 139, 87)", "contrastive #0");
        assertNode(nodes.get(PENDING), "CANDIDATE", "rgb(216, 154, 0)", "contrastive #0");
        assertTrue(nodes.get(PRODUCTION).path("aliasRing").asBoolean(), "production is not marked");
        assertFalse(nodes.get(PASSED).path("aliasRing").asBoolean());
        List<String> edges = new ArrayList<>();
        model.path("edges").forEach(e -> edges.add(e.path("from").asText() + " -> " + e.path("to").asText()));
        assertEquals(List.of("base -> " + FAILED, "base -> " + PASSED, PASSED + " -> " + PRODUCTION,
                PRODUCTION + " -> " + PENDING), edges);

        // And each metric the verifier measured is a chart with one point per verified version, in chain order;
        // a metric's 95 % interval is drawn on its chart, not charted itself
        JsonNode charts = model.path("charts");
        assertEquals(List.of("forget.accuracy", "retain.accuracy", "test.accuracy", "mia.accuracy"),
                fieldNames(charts));
        for (JsonNode chart : charts) {
            assertEquals(3, chart.size(), charts.toString());
        }
        assertEquals(List.of(FAILED, PASSED, PRODUCTION), texts(charts.path("forget.accuracy"), "version"));
        assertEquals(0.41, charts.path("forget.accuracy").get(0).path("value").asDouble(), 1e-9);
        assertEquals("rgb(192, 57, 43)", charts.path("forget.accuracy").get(0).path("fill").asText());
        assertEquals(2, model.path("thresholdLines").asInt(), "the policy's two thresholds");
        assertEquals(3, model.path("intervals").asInt(), "mia.accuracy.ci95 drawn on mia.accuracy's chart");

        // And clicking a version shows how it was made and how it was judged
        JsonNode failed = seen.path("details").path(FAILED);
        assertTrue(failed.path("text").asText().contains("settings\nepochs=2"), failed.toString());
        assertTrue(failed.path("text").asText().contains("forget.accuracy 0.41 > 0.2"), failed.toString());
        assertEquals(List.of("forget.accuracy", "0.41", "<= 0.2", "no", "-0.21"), texts(failed.path("checks").get(0)));
        assertTrue(seen.path("details").path(PENDING).path("text").asText().contains("Not verified yet"));
        assertTrue(seen.path("details").path("base").path("text").asText().contains("fashion-mnist"));

        // And looking up a request shows its status history and its signed receipt
        JsonNode request = seen.path("request");
        assertEquals(List.of("BATCHED", "UNLEARNED", "UNLEARNED", "VERIFIED"), column(request.path("history"), 1));
        assertTrue(request.path("receipt").asText().contains("Ed25519"), request.toString());
        assertTrue(request.path("receipt").asText().contains(PASSED), request.toString());

        // And markup in a request id and a reason is shown as text and never runs
        JsonNode markup = seen.path("markupRequest");
        assertTrue(markup.path("heading").asText().contains(MARKUP), markup.toString());
        assertTrue(markup.path("text").asText().contains("<script>window.__injected=true</script>"));
        assertFalse(seen.path("markupRan").asBoolean(), "markup from the API ran in the page");

        // And the deadlines section lists the open request whose deadline passed; the lineage checks out;
        // the page fetched nothing from another host and logged no error but the expected ones: 401 before the
        // token, 404s, 409 for the receipt of the rejected markup request (no model excludes it)
        assertTrue(seen.path("deadlines").asText().contains("r-4"), seen.path("deadlines").asText());
        assertTrue(seen.path("lineageCheck").asText().startsWith("OK"), seen.path("lineageCheck").asText());
        assertEquals(0, seen.path("foreignRequests").size(), seen.path("foreignRequests").toString());
        for (JsonNode error : seen.path("consoleErrors")) {
            assertTrue(error.asText().matches(".*\\b(401|404|409)\\b.*"), "unexpected console error: " + error);
        }
        assertTrue(Files.size(SCREENSHOTS.resolve("registry-page.png")) > 0);
    }

    private void recordVersions(RegistryInputs inputs) throws Exception {
        inputs.candidate(candidate(MODEL, FAILED, "base", BATCH_1, store("v1"), "r-1", "r-2"));
        inputs.verification(judged(FAILED, BATCH_1, 0.41, 0.71, 0.70, 0.61, "r-1", "r-2"));
        inputs.candidate(CandidateVersion.newBuilder(candidate(MODEL, PASSED, "base", BATCH_1, store("v2"), "r-1",
                "r-2")).setMethod("retrain").setMethodSettings(Map.of("epochs", "2")).setAttempt(1).build());
        inputs.verification(judged(PASSED, BATCH_1, 0.09, 0.90, 0.87, 0.51, "r-1", "r-2"));
        inputs.candidate(candidate(MODEL, PRODUCTION, PASSED, BATCH_2, store("v3"), "r-3", "r-5"));
        inputs.verification(judged(PRODUCTION, BATCH_2, 0.05, 0.89, 0.86, 0.49, "r-3", "r-5"));
        inputs.candidate(candidate(MODEL, PENDING, PRODUCTION, BATCH_3, store("v4"), "r-4"));
    }

    private void recordStatuses(RegistryInputs inputs) throws Exception {
        inputs.status(status("r-1", RequestState.BATCHED, BATCH_1, null, "stream-processor", 0, ""));
        inputs.status(status("r-1", RequestState.UNLEARNED, BATCH_1, FAILED, "unlearn-worker", 40, ""));
        inputs.status(status("r-1", RequestState.UNLEARNED, BATCH_1, PASSED, "unlearn-worker", 95,
                "attempt 1: exact retraining after contrastive missed forget.accuracy"));
        inputs.status(status("r-1", RequestState.VERIFIED, BATCH_1, PASSED, "verifier", 130, ""));
        inputs.status(status(MARKUP, RequestState.REJECTED, null, null, "stream-processor", 5,
                "<script>window.__injected=true</script> names no known model"));
        // open, and due a day after T0: overdue now
        inputs.status(RequestStatus.newBuilder(status("r-4", RequestState.BATCHED, BATCH_3, null, "stream-processor",
                150, "")).setDeadline(T0.plus(Duration.ofDays(1))).build());
    }

    /** The verifier's answer on the policy of {@code registrationJson} (forget ≤ 0.2, retain ≥ 0.8). */
    private static VerificationResult judged(String versionId, String batchId, double forget, double retain,
                                             double test, double mia, String... requestIds) {
        List<VerificationCheck> checks = List.of(
                new VerificationCheck("forget.accuracy", forget, "<=", 0.2, forget <= 0.2),
                new VerificationCheck("retain.accuracy", retain, ">=", 0.8, retain >= 0.8));
        boolean passed = checks.stream().allMatch(VerificationCheck::getPassed);
        return VerificationResult.newBuilder(verification(MODEL, versionId, batchId,
                        passed ? Verdict.PASSED : Verdict.FAILED, requestIds))
                .setChecks(checks)
                .setMetrics(Map.of("forget.accuracy", forget, "retain.accuracy", retain, "test.accuracy", test,
                        "mia.accuracy", mia, "mia.accuracy.ci95", 0.04))
                .setParentMetrics(Map.of("forget.accuracy", 0.93, "retain.accuracy", 0.91, "test.accuracy", 0.88))
                .setReason(passed ? "all checks passed" : "forget.accuracy " + forget + " > 0.2")
                .build();
    }

    private static RequestStatus status(String requestId, RequestState state, String batchId, String versionId,
                                        String stage, long atSeconds, String reason) {
        return RequestStatus.newBuilder().setRequestId(requestId).setState(state).setModelId(MODEL)
                .setBatchId(batchId).setVersionId(versionId).setStage(stage).setReason(reason)
                .setAt(T0.plusSeconds(atSeconds)).build();
    }

    private String store(String content) throws Exception {
        return new DirectoryArtifactStore(artifactDir)
                .put(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode modelSeen(JsonNode seen) {
        for (JsonNode m : seen.path("models")) {
            if (m.path("modelId").asText().equals(MODEL)) {
                return m;
            }
        }
        throw new AssertionError("model " + MODEL + " is not on the page: " + seen.path("models"));
    }

    private static void assertNode(JsonNode node, String status, String fill, String methodLabel) {
        assertNotNull(node);
        assertEquals(status, node.path("status").asText(), node.toString());
        assertEquals(fill, node.path("fill").asText(), node.toString());
        assertTrue(texts(node.path("labels")).contains(methodLabel), node.toString());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    private static List<String> column(JsonNode rows, int index) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.path(index).asText()));
        return out;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static String encoded(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
