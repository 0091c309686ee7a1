package io.unlearn.cli.commands;

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
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

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
