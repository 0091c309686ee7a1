package io.unlearn.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.unlearn.registry.ReadAccess;
import io.unlearn.registry.RegistryFixtures.InMemoryRegistry;
import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.kit.lineage.LineageVerifier;
import io.unlearn.kit.receipts.ReceiptKeys;
import io.unlearn.kit.receipts.Receipts;
import io.unlearn.registry.receipts.ReceiptIssuer;
import io.unlearn.registry.registration.RegistrationParser;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.Verdict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static io.unlearn.registry.RegistryFixtures.JSON;
import static io.unlearn.registry.RegistryFixtures.T0;
import static io.unlearn.registry.RegistryFixtures.candidate;
import static io.unlearn.registry.RegistryFixtures.registrationJson;
import static io.unlearn.registry.RegistryFixtures.verification;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST API on an ephemeral port over an in-memory registry (no Kafka). */
class RegistryHttpServerTest {

    @TempDir
    Path artifactDir;

    @TempDir
    Path keyDir;

    private InMemoryRegistry registry;
    private RegistryHttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private PrometheusMeterRegistry meters;
    private List<String> health = List.of();

    private static final String TOKEN = "registry-test-token-0123456789";

    @BeforeEach
    void setUp() throws IOException {
        start(BearerAuth.token(TOKEN, ReadAccess.OPEN));
    }

    private void start(BearerAuth auth) throws IOException {
        start(auth, true);
    }

    private void start(BearerAuth auth, boolean receiptKey) throws IOException {
        if (server != null) {
            server.close();
        }
        DirectoryArtifactStore artifacts = new DirectoryArtifactStore(artifactDir);
        registry = new InMemoryRegistry(artifacts);
        meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        server = new RegistryHttpServer("127.0.0.1", 0, registry.state, new RegistrationParser(JSON, 4096),
                registry::register, new LineageVerifier(artifacts), meters, meters::scrape, () -> health, JSON, 4096,
                auth, receiptKey ? ReceiptIssuer.signingWith(ReceiptKeys.generate(keyDir.resolve("receipt-key.pem")),
                        registry.state, Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC))
                        : ReceiptIssuer.disabled("receipt.signing.key.file is not set"));
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> getWithToken(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A POST as a legitimate client sends it: JSON, with the registry's token. */
    private HttpResponse<String> post(String path, String body) throws Exception {
        return post(path, body, "application/json", "Bearer " + TOKEN);
    }

    private HttpResponse<String> post(String path, String body, String contentType, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswer401WithAChallengeToAPostWithoutCredential() throws Exception {
        HttpResponse<String> response = post("/models", registrationJson("m1", "weights"), "application/json", null);

        assertEquals(401, response.statusCode(), response.body());
        assertEquals("Bearer realm=\"model-registry\"",
                response.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertTrue(JSON.readTree(response.body()).get("error").asText()
                .startsWith("POST /models needs Authorization: Bearer <token>"), response.body());
        assertEquals(0, JSON.readTree(get("/models").body()).size(), "nothing may be registered");
    }

    @Test
    void shouldAnswer401ToAPostWithAWrongToken() throws Exception {
        for (String authorization : List.of("Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1),
                "Basic " + TOKEN, "Bearer ", TOKEN)) {
            HttpResponse<String> response = post("/models", registrationJson("m1", "weights"), "application/json",
                    authorization);

            assertEquals(401, response.statusCode(), authorization);
            assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow()
                    .contains("error=\"invalid_token\""), authorization);
        }
        assertEquals(0, JSON.readTree(get("/models").body()).size(), "nothing may be registered");
    }

    @Test
    void shouldAnswer415ToAnAuthenticatedPostThatIsNotJson() throws Exception {
        for (String contentType : new String[] {null, "text/plain", "application/x-www-form-urlencoded",
                "application/jsonx"}) {
            HttpResponse<String> response = post("/models", registrationJson("m1", "weights"), contentType,
                    "Bearer " + TOKEN);

            assertEquals(415, response.statusCode(), contentType + ": " + response.body());
            assertEquals("application/json", response.headers().firstValue("Accept-Post").orElseThrow());
        }
        assertEquals(0, JSON.readTree(get("/models").body()).size(), "nothing may be registered");
    }

    @Test
    void shouldAcceptJsonWithACharsetAndTheBearerSchemeInAnyCase() throws Exception {
        HttpResponse<String> response = post("/models", registrationJson("m1", "weights"),
                "Application/JSON; charset=utf-8", "bearer " + TOKEN);

        assertEquals(201, response.statusCode(), response.body());
    }

    @Test
    void shouldLetAnyoneReadWhenReadsAreOpen() throws Exception {
        post("/models", registrationJson("m1", "weights"));

        assertEquals(200, get("/models/m1").statusCode());
        assertEquals(200, get("/lineage/verify").statusCode());
    }

    @Test
    void shouldNeedTheTokenForEveryReadButHealthWhenReadsNeedIt() throws Exception {
        start(BearerAuth.token(TOKEN, ReadAccess.TOKEN));
        post("/models", registrationJson("m1", "weights"));

        for (String path : List.of("/models", "/models/m1", "/lineage/verify", "/metrics", "/receipt-key")) {
            assertEquals(401, get(path).statusCode(), path);
            assertEquals(401, getWithToken(path, "wrong-token-0123456789").statusCode(), path);
            assertEquals(200, getWithToken(path, TOKEN).statusCode(), path);
        }
        // the page holds no data: it loads without the token and asks for it
        for (String path : List.of("/health", "/", "/web/registry.js", "/web/registry.css")) {
            assertEquals(200, get(path).statusCode(), path);
        }
    }

    @Test
    void shouldAcceptAnyPostWhenAuthIsDisabled() throws Exception {
        start(BearerAuth.disabled());

        assertEquals(201, post("/models", registrationJson("m1", "weights"), "application/json", null).statusCode());
        assertEquals(415, post("/models", registrationJson("m2", "weights"), "text/plain", null).statusCode());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void shouldRegisterABaseModelAndAnswerWithIt() throws Exception {
        HttpResponse<String> created = post("/models", registrationJson("m1", "weights"));

        assertEquals(201, created.statusCode(), created.body());
        assertEquals("/models/m1", created.headers().firstValue("Location").orElseThrow());
        JsonNode model = JSON.readTree(created.body());
        assertEquals("m1", model.get("modelId").asText());
        assertEquals("base", model.get("currentVersionId").asText());
        assertEquals("fashion-mnist", model.get("dataset").get("name").asText());
        assertEquals(1, JSON.readTree(get("/models").body()).size());
    }

    @Test
    void shouldAnswer400WithEveryProblemOfAnInvalidRegistration() throws Exception {
        HttpResponse<String> response = post("/models", "{\"modelId\": \"m 1\", \"family\": \"classifier\"}");

        assertEquals(400, response.statusCode());
        JsonNode body = JSON.readTree(response.body());
        assertTrue(body.get("error").asText().startsWith("invalid base-model registration (5 problems)"),
                body.toString());
        assertTrue(body.get("problems").get(0).asText().startsWith("modelId: must match"), body.toString());
    }

    @Test
    void shouldAnswer400ForMalformedJson() throws Exception {
        HttpResponse<String> response = post("/models", "{not json");

        assertEquals(400, response.statusCode());
        assertTrue(JSON.readTree(response.body()).get("problems").get(0).asText()
                .startsWith("body is not valid JSON"), response.body());
    }

    @Test
    void shouldAnswer409WhenTheModelIsAlreadyRegistered() throws Exception {
        post("/models", registrationJson("m1", "weights"));

        HttpResponse<String> again = post("/models", registrationJson("m1", "other"));

        assertEquals(409, again.statusCode());
        assertTrue(again.body().contains("model 'm1' is already registered"), again.body());
        assertEquals(1.0, meters.get("unlearn.registry.registrations").tag("outcome", "created").counter().count());
        assertEquals(1.0, meters.get("unlearn.registry.registrations").tag("outcome", "conflict").counter().count());
    }

    @Test
    void shouldAnswer413ForABodyLargerThanAnyArtifact() throws Exception {
        HttpResponse<String> response = post("/models", "x".repeat(2 * 1024 * 1024));

        assertEquals(413, response.statusCode());
    }

    @Test
    void shouldAnswer404WithAMessageForUnknownIds() throws Exception {
        post("/models", registrationJson("m1", "weights"));

        assertEquals(404, get("/models/ghost").statusCode());
        assertTrue(get("/models/ghost").body().contains("model 'ghost' is not registered"));
        assertEquals(404, get("/models/m1/versions/v9").statusCode());
        assertEquals(404, get("/models/ghost/versions").statusCode());
        assertTrue(get("/models/m1/aliases/production").body().contains("no version has passed verification yet"));
        assertEquals(404, get("/requests/r-unknown").statusCode());
        assertEquals(404, get("/nothing/here").statusCode());
    }

    @Test
    void shouldAnswer405ForAWrongMethod() throws Exception {
        HttpResponse<String> response = post("/models/m1", "{}");

        assertEquals(405, response.statusCode());
        assertEquals("GET", response.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void shouldAnswerVersionAliasAndRequestQueries() throws Exception {
        post("/models", registrationJson("m1", "weights"));
        registry.candidate(candidate("m1", "v1", "base", "m1-0001", registry.store("v1"), "r-1"));
        registry.verification(verification("m1", "v1", "m1-0001", Verdict.PASSED, "r-1"));

        JsonNode version = JSON.readTree(get("/models/m1/versions/v1").body());
        JsonNode alias = JSON.readTree(get("/models/m1/aliases/production").body());
        JsonNode request = JSON.readTree(get("/requests/r-1").body());
        registry.candidate(candidate("m1", "v2", "v1", "m1-0002", registry.store("v2"), "gdpr/ticket 7+8"));
        JsonNode encoded = JSON.readTree(get("/requests/gdpr%2Fticket%207+8").body());

        assertEquals("PASSED", version.get("status").asText());
        assertEquals("base", version.get("lineageToBase").get(1).get("versionId").asText());
        assertEquals("v1", alias.get("versionId").asText());
        assertEquals("v1", request.get("models").get(0).get("firstExcludingVersion").get("versionId").asText());
        assertEquals("gdpr/ticket 7+8", encoded.get("requestId").asText(), "ids are percent-decoded, '+' kept");
    }

    @Test
    void shouldListDueAndOverdueRequestsAndCountLateOnesAtDeadlines() throws Exception {
        // Given an overdue request, one due in 2 days, one due in 30 days and one settled after its deadline
        Instant now = Instant.now();
        registry.state.apply(status("r-over", RequestState.BATCHED, now.minus(Duration.ofHours(1)), now));
        registry.state.apply(status("r-soon", RequestState.BATCHED, now.plus(Duration.ofDays(2)), now));
        registry.state.apply(status("r-later", RequestState.BATCHED, now.plus(Duration.ofDays(30)), now));
        registry.state.apply(status("r-late", RequestState.BATCHED, now.minus(Duration.ofDays(2)), now));
        registry.state.apply(status("r-late", RequestState.VERIFIED, null, now.minus(Duration.ofDays(1))));

        // When the default window (a week) and 60 days are asked for, and a window that is no duration
        JsonNode week = JSON.readTree(get("/deadlines").body());
        JsonNode sixtyDays = JSON.readTree(get("/deadlines?within=P60D").body());
        HttpResponse<String> bad = get("/deadlines?within=soon");
        JsonNode request = JSON.readTree(get("/requests/r-soon").body());

        // Then the open ones due within the window come earliest first, with their models, and the late one counts
        assertEquals(List.of("r-over", "r-soon"), ids(week.get("due")));
        assertTrue(week.get("due").get(0).get("overdue").asBoolean());
        assertEquals("BATCHED", week.get("due").get(1).get("models").get("m1").asText());
        assertEquals(1, week.get("overdueCount").asInt());
        assertEquals(1, week.get("lateCount").asInt());
        assertEquals("r-late", week.get("late").get(0).get("requestId").asText());
        assertEquals("PT168H", week.get("within").asText());
        assertEquals(List.of("r-over", "r-soon", "r-later"), ids(sixtyDays.get("due")));
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("within=soon is not a duration"), bad.body());
        assertEquals(now.plus(Duration.ofDays(2)).toString(), request.get("deadline").asText());
        // and the route is its own metric tag
        assertTrue(meters.scrape().contains("route=\"/deadlines\",status=\"200\"} 2"), meters.scrape());
    }

    private static List<String> ids(JsonNode requests) {
        List<String> ids = new ArrayList<>();
        requests.forEach(r -> ids.add(r.get("requestId").asText()));
        return ids;
    }

    private static RequestStatus status(String requestId, RequestState state, Instant deadline, Instant at) {
        return RequestStatus.newBuilder().setRequestId(requestId).setState(state).setModelId("m1")
                .setStage("stream-processor").setAt(at).setDeadline(deadline).build();
    }

    @Test
    void shouldIssueASignedReceiptOnlyOnceAVersionThatExcludesTheRequestPassed() throws Exception {
        // Given a candidate that excludes r-1, not yet verified
        post("/models", registrationJson("m1", "weights"));
        String digest = registry.store("v1");
        registry.candidate(candidate("m1", "v1", "base", "m1-0001", digest, "r-1"));

        // Then there is nothing to attest yet (409), and an unknown request is 404
        HttpResponse<String> early = get("/requests/r-1/receipt");
        assertEquals(409, early.statusCode(), early.body());
        assertTrue(JSON.readTree(early.body()).get("error").asText().startsWith("no model excludes deletion"
                + " request 'r-1' yet"), early.body());
        assertEquals(404, get("/requests/r-unknown/receipt").statusCode());

        // When the candidate passes
        registry.verification(verification("m1", "v1", "m1-0001", Verdict.PASSED, "r-1"));
        JsonNode document = JSON.readTree(get("/requests/r-1/receipt").body());
        JsonNode key = JSON.readTree(get("/receipt-key").body());

        // Then the receipt names the version, its digest, its events and checks, and its signature holds under the
        // published key
        JsonNode model = document.get("receipt").get("models").get(0);
        assertEquals("v1", model.get("versionId").asText());
        assertEquals(digest, model.get("artifactDigest").asText());
        assertEquals(1, model.get("candidateRecorded").get("sequence").asLong());
        assertEquals(2, model.get("verificationRecorded").get("sequence").asLong());
        assertEquals(3, model.get("lineageHead").get("sequence").asLong(), "the production alias moved last");
        assertEquals(0.2, model.get("checks").get(0).get("threshold").asDouble());
        assertEquals(key.get("keyId").asText(), document.get("signature").get("keyId").asText());
        assertEquals("Ed25519", key.get("algorithm").asText());
        assertTrue(Receipts.signatureHolds(document.get("receipt"),
                Base64.getDecoder().decode(document.get("signature").get("value").asText()),
                ReceiptKeys.readPublicKey(key.get("pem").asText())));
    }

    @Test
    void shouldAnswer503SayingWhyWhenTheRegistryHasNoReceiptKey() throws Exception {
        start(BearerAuth.token(TOKEN, ReadAccess.OPEN), false);
        post("/models", registrationJson("m1", "weights"));
        registry.candidate(candidate("m1", "v1", "base", "m1-0001", registry.store("v1"), "r-1"));
        registry.verification(verification("m1", "v1", "m1-0001", Verdict.PASSED, "r-1"));

        for (String path : List.of("/requests/r-1/receipt", "/receipt-key")) {
            HttpResponse<String> response = get(path);
            assertEquals(503, response.statusCode(), path);
            assertTrue(response.body().contains("receipt.signing.key.file is not set"), response.body());
        }
    }

    @Test
    void shouldNameTheVersionWhoseArtifactWasTamperedWith() throws Exception {
        // Given a recorded candidate whose stored artifact is later overwritten
        post("/models", registrationJson("m1", "weights"));
        String digest = registry.store("v1 weights");
        registry.candidate(candidate("m1", "v1", "base", "m1-0001", digest, "r-1"));
        assertEquals("OK", JSON.readTree(get("/lineage/verify").body()).get("status").asText());
        Files.writeString(artifactDir.resolve(digest.substring(0, 2)).resolve(digest), "tampered");

        // When
        JsonNode result = JSON.readTree(get("/lineage/verify").body());

        // Then
        assertEquals("BROKEN", result.get("status").asText());
        assertEquals("v1", result.get("break").get("versionId").asText());
        assertEquals(1, result.get("break").get("sequence").asLong());
        assertTrue(result.get("break").get("problem").asText().contains("was altered"), result.toString());
        assertEquals(1.0, meters.get("unlearn.registry.lineage.verifications").tag("outcome", "ok").counter()
                .count());
        assertEquals(1.0, meters.get("unlearn.registry.lineage.verifications").tag("outcome", "broken").counter()
                .count());
    }

    @Test
    void shouldReportHealthDownWithTheReasonOnceTheRegistryStopsFollowingTheLog() throws Exception {
        assertEquals(200, get("/health").statusCode());

        health = List.of("state reader stopped: broker gone");
        HttpResponse<String> down = get("/health");

        assertEquals(503, down.statusCode());
        assertEquals("state reader stopped: broker gone", JSON.readTree(down.body()).get("problems").get(0).asText());
    }

    @Test
    void shouldServeTheWebPageAndPrometheusMetrics() throws Exception {
        get("/models/ghost");

        HttpResponse<String> page = get("/");
        HttpResponse<String> metrics = get("/metrics");

        assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(page.body().contains("<h1>Model registry</h1>"));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("script-src 'self'"));
        assertTrue(get("/web/registry.js").headers().firstValue("Content-Type").orElseThrow()
                .startsWith("text/javascript"));
        assertEquals(404, get("/web/secret.properties").statusCode());
        assertEquals(404, get("/web/..%2FRegistryHttpServer.class").statusCode());
        assertTrue(metrics.body().contains("unlearn_registry_http_requests_seconds_count{method=\"GET\","
                + "route=\"/models/{id}\",status=\"404\"} 1"), metrics.body());
    }
}
