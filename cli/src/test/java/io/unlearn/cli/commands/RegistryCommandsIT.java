package io.unlearn.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unlearn.cli.CliRun;
import io.unlearn.cli.ExitCodes;
import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.localstack.SharedStack;
import io.unlearn.registry.InJvmModelRegistry;
import io.unlearn.kit.receipts.ReceiptKey;
import io.unlearn.kit.receipts.ReceiptKeys;
import io.unlearn.registry.ModelRegistry;
import io.unlearn.registry.ModelRegistryConfig;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.Verdict;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static io.unlearn.registry.RegistryFixtures.candidate;
import static io.unlearn.registry.RegistryFixtures.registrationJson;
import static io.unlearn.registry.RegistryFixtures.verification;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code unlearn models}, {@code lineage}, {@code status}, {@code receipt} against a real model-registry (InJvmModelRegistry) on
 * SharedStack's broker and schema registry.
 */
class RegistryCommandsIT {

    @TempDir
    Path artifactDir;

    @TempDir
    Path keyDir;

    private ReceiptKey receiptKey;

    private SharedStack stack;
    private SchemaRegistryClient schemas;
    private ModelRegistry registry;
    private String run;
    private String url;

    @BeforeEach
    void setUp() throws IOException {
        stack = SharedStack.get();
        schemas = new RestSchemaRegistryClient(stack.registryUrl());
        run = "it." + UUID.randomUUID().toString().substring(0, 8) + ".";
        receiptKey = ReceiptKeys.generate(keyDir.resolve("receipt-key.pem"));
        Map<String, Object> settings = InJvmModelRegistry.settings(stack, artifactDir, run);
        settings.put(ModelRegistryConfig.RECEIPT_SIGNING_KEY_FILE_CONFIG, keyDir.resolve("receipt-key.pem").toString());
        registry = ModelRegistry.start(ModelRegistryConfig.load(settings), schemas);
        url = "http://127.0.0.1:" + registry.httpPort();
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    @Test
    void shouldShowModelsAndLineageAndExitByTheRequestsOutcome() throws Exception {
        // Given a registered base model
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/models"))
                .header("Authorization", "Bearer " + InJvmModelRegistry.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(registrationJson("m1", "base weights"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());

        // When models and lineage are asked for
        CliRun models = CliRun.of("models", "--registry", url);
        CliRun lineage = CliRun.of("lineage", "m1", "--verify", "--registry", url);

        // Then the model and its base version are listed, and the lineage check passes
        assertEquals(ExitCodes.OK, models.code(), models.toString());
        assertTrue(models.out().lines().anyMatch(l -> l.startsWith("m1 ") && l.contains("classifier")
                && l.contains("base")), models.toString());
        assertEquals(ExitCodes.OK, lineage.code(), lineage.toString());
        assertTrue(lineage.out().lines().anyMatch(l -> l.startsWith("base ") && l.contains("BASE")),
                lineage.toString());
        assertTrue(lineage.out().contains("lineage OK: 1 events of 1 models"), lineage.toString());
        assertEquals(ExitCodes.NOT_FOUND, CliRun.of("lineage", "no-such-model", "--registry", url).code());

        // When a request is unknown, then status says so with exit 5
        CliRun unknown = CliRun.of("status", "r-1", "--registry", url);
        assertEquals(ExitCodes.NOT_FOUND, unknown.code(), unknown.toString());

        // When the stream-processor rejects the request, then status --follow ends with exit 3 and the reason
        String statusTopic = run + "request-status";
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            RequestStatus rejected = RequestStatus.newBuilder().setRequestId("r-1").setState(RequestState.REJECTED)
                    .setReason("model id 'm9' is not known to the model registry").setStage("stream-processor")
                    .setAt(Instant.now()).build();
            producer.send(new ProducerRecord<>(statusTopic, "r-1",
                    AvroSerde.forTopic(Topics.REQUEST_STATUS, schemas).serialize(statusTopic, rejected))).get();
        }
        CliRun followed = CliRun.of("status", "r-1", "--follow", "--interval", "200ms", "--timeout", "60s",
                "--registry", url);
        assertEquals(ExitCodes.REJECTED, followed.code(), followed.toString());
        assertTrue(followed.out().contains("REJECTED") && followed.out().contains("outcome: REJECTED (model id 'm9'"),
                followed.toString());
    }

    @Test
    void shouldRegisterABaseModelFromARegistrationFileAndAnArtifactFile() throws Exception {
        // Given a registration file (the documented body without the artifact) and the artifact in its own file
        ObjectMapper json = new ObjectMapper();
        ObjectNode body = (ObjectNode) json.readTree(registrationJson("m3", "unused"));
        body.remove("artifactBase64");
        Path registration = Files.writeString(artifactDir.resolve("m3.json"), body.toString());
        Path artifact = Files.write(artifactDir.resolve("m3.params"), new byte[] {1, 2, 3, 4});
        Path token = Files.writeString(artifactDir.resolve("token"), InJvmModelRegistry.TOKEN + "\n");

        // When it is registered without the token, then the registry's refusal and the way out are shown
        CliRun anonymous = CliRun.of("register", registration.toString(), "--artifact", artifact.toString(),
                "--registry", url);
        assertEquals(ExitCodes.REJECTED, anonymous.code(), anonymous.toString());
        assertTrue(anonymous.err().contains("UNLEARN_REGISTRY_TOKEN"), anonymous.toString());

        // When it is registered with the token, then the model is there with the artifact's bytes as its base
        CliRun registered = CliRun.of("register", registration.toString(), "--artifact", artifact.toString(),
                "--registry", url, "--registry-token-file", token.toString());
        assertEquals(ExitCodes.OK, registered.code(), registered.toString());
        assertTrue(registered.out().startsWith("registered m3 (classifier)"), registered.toString());
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3, 4}));
        assertEquals(digest, json.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url + "/models/m3/versions/base")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .path("artifactDigest").asText());

        // When the same id is registered again, or the file is invalid, then exit 3 with the registry's reasons
        CliRun again = CliRun.of("register", registration.toString(), "--artifact", artifact.toString(),
                "--registry", url, "--registry-token-file", token.toString());
        assertEquals(ExitCodes.REJECTED, again.code(), again.toString());
        assertTrue(again.err().contains("registered already"), again.toString());
        body.put("modelId", "m4");
        body.put("family", "no-such-family");
        Path invalid = Files.writeString(artifactDir.resolve("m4.json"), body.toString());
        CliRun rejected = CliRun.of("register", invalid.toString(), "--artifact", artifact.toString(),
                "--registry", url, "--registry-token-file", token.toString());
        assertEquals(ExitCodes.REJECTED, rejected.code(), rejected.toString());
        assertTrue(rejected.err().contains("no-such-family"), rejected.toString());
    }

    @Test
    void shouldListOverdueRequestsAndExitEightWhileAnyIsOpenPastItsDeadline() throws Exception {
        // Given r-over batched and due an hour ago, r-soon due in 3 days, r-far in 30, and r-late verified a day
        // after its deadline (timestamps in millis, as the topic carries them)
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        send(deadlined("r-over", RequestState.BATCHED, now.minus(Duration.ofHours(1)), now),
                deadlined("r-soon", RequestState.BATCHED, now.plus(Duration.ofDays(3)), now),
                deadlined("r-far", RequestState.BATCHED, now.plus(Duration.ofDays(30)), now),
                deadlined("r-late", RequestState.BATCHED, now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(3))),
                deadlined("r-late", RequestState.VERIFIED, null, now.minus(Duration.ofDays(1))));

        // When status --overdue is run (once the registry has read the statuses)
        CliRun overdue = await(r -> r.out().contains("1 settled after"), "status", "--overdue", "--registry", url);

        // Then it lists r-over alone, says how many are late, and exits 8
        assertEquals(ExitCodes.OVERDUE, overdue.code(), overdue.toString());
        assertTrue(overdue.out().lines().anyMatch(l -> l.contains("r-over") && l.contains("OVERDUE")
                && l.contains("m1 BATCHED")), overdue.toString());
        assertTrue(!overdue.out().contains("r-soon") && !overdue.out().contains("r-late "), overdue.toString());
        assertTrue(overdue.out().contains("1 overdue, 1 open due within PT0S; 1 settled after their deadline (late)"),
                overdue.toString());
        // and --due 7d adds r-soon, not r-far
        CliRun week = CliRun.of("status", "--due", "7d", "--registry", url);
        assertEquals(ExitCodes.OVERDUE, week.code(), week.toString());
        assertTrue(week.out().contains("r-soon") && !week.out().contains("r-far"), week.toString());

        // When r-over is verified, then nothing is overdue: exit 0, and r-over counts as late
        send(deadlined("r-over", RequestState.VERIFIED, null, Instant.now()));
        CliRun cleared = await(r -> r.code() == ExitCodes.OK, "status", "--overdue", "--registry", url);
        assertTrue(cleared.out().contains("0 overdue, 0 open due within PT0S; 2 settled after their deadline"),
                cleared.toString());
        // and the request's own status shows its deadline
        CliRun one = CliRun.of("status", "r-soon", "--registry", url);
        assertTrue(one.out().contains("deadline: " + now.plus(Duration.ofDays(3))), one.toString());
    }

    private static RequestStatus deadlined(String requestId, RequestState state, Instant deadline, Instant at) {
        return RequestStatus.newBuilder().setRequestId(requestId).setState(state).setModelId("m1")
                .setStage("stream-processor").setAt(at).setDeadline(deadline).build();
    }

    private void send(RequestStatus... statuses) throws Exception {
        String topic = run + "request-status";
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (RequestStatus status : statuses) {
                producer.send(new ProducerRecord<>(topic, status.getRequestId(),
                        AvroSerde.forTopic(Topics.REQUEST_STATUS, schemas).serialize(topic, status))).get();
            }
        }
    }

    /** Runs the CLI until {@code done} holds for its run (the registry reads statuses asynchronously), at most 60 s. */
    private static CliRun await(Predicate<CliRun> done, String... args) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        CliRun last = CliRun.of(args);
        while (!done.test(last) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            last = CliRun.of(args);
        }
        return last;
    }

    @Test
    void shouldGiveAReceiptWithTheExcludingVersionAndItsLineageEventsOnceTheRequestIsVerified() throws Exception {
        // Given a registered model, a candidate that excludes r-2, its PASSED verification and the request's statuses
    }

    @Test
    void shouldIssueASignedReceiptOnceTheRequestIsVerifiedThatVerifiesEndToEndUntilAnArtifactIsAltered()
            throws Exception {
        // Given a registered model, a candidate that excludes r-2 with its PASSED verification and the request's
        // statuses, and a later candidate for r-3 that is not verified yet
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/models"))
                .header("Authorization", "Bearer " + InJvmModelRegistry.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(registrationJson("m2", "base weights"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        DirectoryArtifactStore store = new DirectoryArtifactStore(artifactDir);
        String digest = store.put(new ByteArrayInputStream("v1 weights".getBytes(StandardCharsets.UTF_8)));
        String digest2 = store.put(new ByteArrayInputStream("v2 weights".getBytes(StandardCharsets.UTF_8)));
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            String candidates = run + "candidates";
            String verifications = run + "verifications";
            String statuses = run + "request-status";
            AvroSerde<CandidateVersion> candidateSerde = AvroSerde.forTopic(Topics.CANDIDATES, schemas);
            producer.send(new ProducerRecord<>(candidates, "m2", candidateSerde.serialize(candidates,
                    candidate("m2", "v1", "base", "m2-0001", digest, "r-2")))).get();
            producer.send(new ProducerRecord<>(verifications, "m2", AvroSerde.forTopic(Topics.VERIFICATIONS, schemas)
                    .serialize(verifications, verification("m2", "v1", "m2-0001", Verdict.PASSED, "r-2")))).get();
            producer.send(new ProducerRecord<>(candidates, "m2", candidateSerde.serialize(candidates,
                    candidate("m2", "v2", "v1", "m2-0002", digest2, "r-3")))).get();
            AvroSerde<RequestStatus> statusSerde = AvroSerde.forTopic(Topics.REQUEST_STATUS, schemas);
            for (RequestState state : new RequestState[] {RequestState.BATCHED, RequestState.VERIFIED}) {
                producer.send(new ProducerRecord<>(statuses, "r-2", statusSerde.serialize(statuses,
                        RequestStatus.newBuilder().setRequestId("r-2").setState(state).setModelId("m2")
                                .setBatchId("m2-0001").setVersionId(state == RequestState.VERIFIED ? "v1" : null)
                                .setStage("verifier").setAt(now).build()))).get();
            }
        }
        Path receiptFile = keyDir.resolve("r-2.receipt.json");
        Path publicKey = Files.writeString(keyDir.resolve("receipt-public.pem"),
                ReceiptKeys.publicKeyPem(receiptKey.publicKey()));

        // When the receipt is asked for and kept (the registry folds the records in asynchronously)
        CliRun receipt = eventually(ExitCodes.OK, "receipt", "r-2", "--registry", url, "--out",
                receiptFile.toString());

        // Then it names the excluding version, its digest, the events that record it and the signing key
        assertEquals(ExitCodes.OK, receipt.code(), receipt.toString());
        assertTrue(receipt.out().contains("excluded by version v1 (parent base, batch m2-0001)"), receipt.toString());
        assertTrue(receipt.out().contains("artifact sha256 " + digest), receipt.toString());
        assertTrue(receipt.out().contains("candidate recorded: lineage event #1 CANDIDATE_RECORDED, hash "),
                receipt.toString());
        assertTrue(receipt.out().contains("verification recorded: lineage event #2 VERIFICATION_RECORDED"),
                receipt.toString());
        assertTrue(receipt.out().contains("signed Ed25519 by key " + receiptKey.keyId()), receipt.toString());
        assertTrue(receipt.out().contains("result: EXCLUDED by every model it concerns"), receipt.toString());
        assertTrue(Files.exists(receiptFile));
        CliRun pending = eventually(ExitCodes.REJECTED, "receipt", "r-3", "--registry", url);
        assertTrue(pending.err().contains("no model excludes deletion request 'r-3' yet"), pending.toString());
        assertEquals(ExitCodes.NOT_FOUND, CliRun.of("receipt", "r-unknown", "--registry", url).code());

        // When the kept receipt is verified against the kept key, the artifact store and the lineage topic
        String[] kafka = {"--bootstrap-servers", stack.bootstrapServers(), "--schema-registry", stack.registryUrl(),
                "--lineage-topic", run + "lineage"};
        CliRun verified = CliRun.of(concat(new String[] {"receipt", "--verify", receiptFile.toString(),
                "--public-key", publicKey.toString(), "--artifacts", artifactDir.toString()}, kafka));

        // Then every check passes
        assertEquals(ExitCodes.OK, verified.code(), verified.toString());
        assertTrue(verified.out().lines().anyMatch(l -> l.matches("signature\\s+OK\\s+Ed25519 key "
                + receiptKey.keyId() + " from --public-key .*")), verified.toString());
        assertTrue(verified.out().lines().anyMatch(l -> l.matches("artifacts\\s+OK\\s+1 artifacts re-hashed.*")),
                verified.toString());
        assertTrue(verified.out().lines().anyMatch(l -> l.matches("lineage\\s+OK\\s+\\d+ events read from "
                + run + "lineage")), verified.toString());
        assertTrue(verified.out().contains("result: VERIFIED (3 of 3 checks ran)"), verified.toString());

        // When the key comes from the registry and no artifact directory is given, then it says which and what not
        CliRun online = CliRun.of(concat(new String[] {"receipt", "--verify", receiptFile.toString(), "--registry",
                url}, kafka));
        assertEquals(ExitCodes.OK, online.code(), online.toString());
        assertTrue(online.out().contains("from the model-registry at " + url + " (GET /receipt-key"), online.toString());
        assertTrue(online.out().lines().anyMatch(l -> l.matches("artifacts\\s+NOT_CHECKED\\s+not checked: give"
                + " --artifacts DIR.*")), online.toString());

        // When the version's artifact file is altered afterwards
        Files.writeString(artifactDir.resolve(digest.substring(0, 2)).resolve(digest), "other weights");
        CliRun altered = CliRun.of(concat(new String[] {"receipt", "--verify", receiptFile.toString(),
                "--public-key", publicKey.toString(), "--artifacts", artifactDir.toString()}, kafka));

        // Then the digest mismatch is named, and the receipt does not verify
        assertEquals(ExitCodes.RECEIPT_INVALID, altered.code(), altered.toString());
        assertTrue(altered.out().contains("  - models[0].artifactDigest: the artifact stored under " + digest
                + " now hashes to "), altered.toString());
        assertTrue(altered.out().contains("result: DOES NOT VERIFY (1 mismatch)"), altered.toString());
    }

    /** Runs the CLI until it exits with {@code code} (the registry folds records in asynchronously), at most 60 s. */
    private static CliRun eventually(int code, String... args) throws InterruptedException {
        CliRun run = CliRun.of(args);
        for (long giveUp = System.nanoTime() + 60_000_000_000L; run.code() != code && System.nanoTime() < giveUp; ) {
            Thread.sleep(300);
            run = CliRun.of(args);
        }
        return run;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
