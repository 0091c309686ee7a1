package io.unlearn.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unlearn.cli.ConnectionOptions;
import io.unlearn.cli.ExitCodes;
import io.unlearn.cli.TopicSnapshot;
import io.unlearn.cli.errors.CliException;
import io.unlearn.cli.errors.NotFoundException;
import io.unlearn.cli.errors.ServiceUnavailableException;
import io.unlearn.cli.receipts.ReceiptVerifier;
import io.unlearn.cli.receipts.ReceiptVerifier.Check;
import io.unlearn.cli.receipts.ReceiptVerifier.Outcome;
import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.kit.modelregistry.ModelRegistryClient;
import io.unlearn.kit.receipts.ReceiptKeys;
import io.unlearn.kit.receipts.Receipts;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.LineageEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static io.unlearn.cli.commands.RegistryDocuments.segment;
import static io.unlearn.cli.commands.RegistryDocuments.text;

/**
 * {@code unlearn receipt ID}: the model-registry's signed deletion receipt for a request ({@code GET
 * /requests/{id}/receipt}), shown for a person and, with {@code --out}, kept as the JSON document an auditor stores;
 * {@code unlearn receipt --verify FILE}: the checks of {@link ReceiptVerifier} on a kept receipt, each mismatch named.
 */
@Command(name = "receipt", mixinStandardHelpOptions = true,
        description = {"Get the signed receipt that a deletion request was carried out (model-registry "
                + "GET /requests/{id}/receipt): per model, the first version that excludes it, its artifact digest, "
                + "the lineage events (sequence, hash) recording its candidate and PASSED verification, the checks "
                + "with thresholds and margins, the chain head; signed with the registry's Ed25519 receipt key.",
                "Exits 0 when every model the request concerns excludes it; 3 when no model or not every model "
                        + "does yet; 5 for an unknown request; 4 when the registry issues no receipts (no key).",
                "--verify FILE checks a kept receipt: (a) its signature, against --public-key or the registry's "
                        + "GET /receipt-key; (b) each artifact digest, against --artifacts DIR; (c) each lineage "
                        + "event and the facts it proves, against the lineage topic. Exits 9 on any mismatch."})
public final class ReceiptCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "REQUEST_ID", arity = "0..1", description = "The deletion request's id.")
    String requestId;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the signed receipt (JSON) to FILE.")
    Path out;

    @Option(names = "--json", description = "Print the signed receipt as JSON instead of the readable form.")
    boolean json;

    @Option(names = "--verify", paramLabel = "FILE", description = "Verify the receipt kept in FILE instead.")
    Path verify;

    @Option(names = "--public-key", paramLabel = "FILE", description = "With --verify: the registry's receipt public "
            + "key (PEM, as GET /receipt-key gives it) kept beforehand; without it the key is fetched from --registry.")
    Path publicKey;

    @Option(names = "--artifacts", paramLabel = "DIR", description = "With --verify: the artifact directory (the "
            + "registry's artifact.dir) to re-hash each version's artifact in; not checked without it.")
    Path artifacts;

    @Option(names = "--lineage-topic", paramLabel = "TOPIC", defaultValue = "${env:UNLEARN_LINEAGE_TOPIC}",
            description = "With --verify: the lineage topic (env UNLEARN_LINEAGE_TOPIC). Default: the system's,"
                    + " unlearning.lineage.")
    String lineageTopic;

    @Option(names = "--skip-lineage", description = "With --verify: do not read the lineage topic (no Kafka at hand);"
            + " the lineage check is then reported as not checked.")
    boolean skipLineage;

    @Override
    public Integer call() {
        if ((requestId == null) == (verify == null)) {
            throw new ParameterException(spec.commandLine(), "name a REQUEST_ID to get a receipt, or --verify FILE to"
                    + " check one (not both)");
        }
        return verify == null ? fetch() : verify();
    }

    private int fetch() {
        PrintWriter o = spec.commandLine().getOut();
        ModelRegistryClient registry = connection.modelRegistryClient();
        ModelRegistryClient.Answer answer = registry.answer("/requests/" + segment(requestId) + "/receipt");
        switch (answer.status()) {
            case 200 -> { }
            case 404 -> throw new NotFoundException(answer.error());
            case 409 -> throw new CliException(ExitCodes.REJECTED, answer.error());
            default -> throw new ServiceUnavailableException("the model-registry at " + registry.baseUrl()
                    + " gave no receipt for " + requestId + " (HTTP " + answer.status() + "): " + answer.error(), null);
        }
        JsonNode document = answer.body();
        if (out != null) {
            try {
                Files.writeString(out, document.toPrettyString() + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot write --out " + out + ": " + e, e);
            }
        }
        JsonNode receipt = document.path(Receipts.RECEIPT);
        JsonNode pending = receipt.path(Receipts.MODELS_NOT_EXCLUDING);
        if (json) {
            o.println(document.toPrettyString());
        } else {
            render(o, registry.baseUrl(), document);
        }
        o.flush();
        return pending.isEmpty() ? ExitCodes.OK : ExitCodes.REJECTED;
    }

    private void render(PrintWriter o, String registryUrl, JsonNode document) {
        JsonNode receipt = document.path(Receipts.RECEIPT);
        o.printf("Receipt for deletion request %s%nissued %s by the model-registry at %s%n", text(receipt,
                Receipts.REQUEST_ID), text(receipt, Receipts.ISSUED_AT), registryUrl);
        o.printf("signed %s by key %s%n", text(document.path(Receipts.SIGNATURE), Receipts.SIGNATURE_ALGORITHM),
                text(document.path(Receipts.SIGNATURE), Receipts.SIGNATURE_KEY_ID));
        o.printf("requested at %s, deadline %s%n", orUnknown(text(receipt, Receipts.REQUESTED_AT)),
                orUnknown(text(receipt, Receipts.DEADLINE)));
        for (JsonNode m : receipt.path(Receipts.MODELS)) {
            o.printf("%nmodel %s%n", text(m, Receipts.MODEL_ID));
            o.printf("  excluded by version %s (parent %s, batch %s)%s%n", text(m, Receipts.VERSION_ID),
                    text(m, "parentVersionId"), text(m, "batchId"),
                    m.path("excludedOnArrival").asBoolean() ? ", which had already forgotten the data" : "");
            o.printf("  artifact sha256 %s%n", text(m, Receipts.ARTIFACT_DIGEST));
            o.printf("  verified %s at %s%n", text(m, "verdict"), text(m, "verifiedAt"));
            for (JsonNode c : m.path(Receipts.CHECKS)) {
                o.printf("    %s %s %s %s (margin %s) %s%n", text(c, "metric"), text(c, "value"),
                        text(c, "comparator"), text(c, "threshold"), text(c, "margin"),
                        c.path("passed").asBoolean() ? "passed" : "FAILED");
            }
            proof(o, "candidate recorded", m.path(Receipts.CANDIDATE_RECORDED));
            proof(o, "verification recorded", m.path(Receipts.VERIFICATION_RECORDED));
            proof(o, "chain head when issued", m.path(Receipts.LINEAGE_HEAD));
        }
        JsonNode pending = receipt.path(Receipts.MODELS_NOT_EXCLUDING);
        for (JsonNode m : pending) {
            o.printf("%nmodel %s: does not exclude the request yet (latest state %s)%n", text(m, Receipts.MODEL_ID),
                    text(m, "latestState"));
        }
        o.printf("%nstages:%n");
        for (JsonNode s : receipt.path(Receipts.STAGES)) {
            o.printf("  %s %s by %s%s%n", text(s, "at"), text(s, "state"), text(s, "stage"),
                    text(s, Receipts.MODEL_ID) == null ? "" : " (model " + text(s, Receipts.MODEL_ID) + ")");
        }
        o.printf("%nresult: %s%n", pending.isEmpty() ? "EXCLUDED by every model it concerns"
                : "NOT EXCLUDED by every model yet (" + pending.size() + " pending)");
        if (out != null) {
            o.printf("written to %s; check it with: unlearn receipt --verify %s --public-key KEY.pem --artifacts DIR%n",
                    out, out);
        }
    }

    private static String orUnknown(String value) {
        return value == null ? "unknown to the registry" : value;
    }

    private static void proof(PrintWriter o, String what, JsonNode event) {
        if (event.isObject()) {
            o.printf("  %s: lineage event #%s %s, hash %s, at %s%n", what, text(event, Receipts.SEQUENCE),
                    text(event, "type"), text(event, Receipts.HASH), text(event, "recordedAt"));
        }
    }

    private int verify() {
        PrintWriter o = spec.commandLine().getOut();
        JsonNode document;
        try {
            document = JSON.readTree(Files.readString(verify, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read the receipt " + verify + " as JSON: " + e, e);
        }
        JsonNode receipt = document.path(Receipts.RECEIPT);
        o.printf("Receipt %s: deletion request %s, issued %s%n", verify, text(receipt, Receipts.REQUEST_ID),
                text(receipt, Receipts.ISSUED_AT));
        List<Check> checks = new ArrayList<>();
        checks.add(signatureCheck(document));
        checks.add(artifacts == null ? Check.notChecked("artifacts", "not checked: give --artifacts DIR (the"
                + " registry's artifact.dir) to re-hash each version's artifact") : artifactCheck(document));
        checks.add(skipLineage ? Check.notChecked("lineage", "not checked (--skip-lineage)") : lineageCheck(document));
        int mismatches = 0;
        for (Check check : checks) {
            o.printf("%-10s %-12s %s%n", check.name(), check.outcome(), check.note());
            for (ReceiptVerifier.Mismatch m : check.mismatches()) {
                o.printf("  - %s%n", m);
            }
            mismatches += check.mismatches().size();
        }
        long notChecked = checks.stream().filter(c -> c.outcome() == Outcome.NOT_CHECKED).count();
        if (mismatches > 0) {
            o.printf("result: DOES NOT VERIFY (%d mismatch%s)%n", mismatches, mismatches == 1 ? "" : "es");
        } else {
            o.printf("result: VERIFIED (%d of %d checks ran)%n", checks.size() - notChecked, checks.size());
        }
        o.flush();
        return mismatches > 0 ? ExitCodes.RECEIPT_INVALID : ExitCodes.OK;
    }

    private Check signatureCheck(JsonNode document) {
        if (publicKey != null) {
            try {
                return ReceiptVerifier.signature(document, ReceiptKeys.readPublicKey(Files.readString(publicKey,
                        StandardCharsets.US_ASCII)), "--public-key " + publicKey);
            } catch (IOException | IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read --public-key " + publicKey + ": " + e.getMessage(),
                        e);
            }
        }
        ModelRegistryClient registry = connection.modelRegistryClient();
        ModelRegistryClient.Answer answer = registry.answer("/receipt-key");
        if (answer.status() != 200) {
            throw new ServiceUnavailableException("cannot fetch the receipt key from the model-registry at "
                    + registry.baseUrl() + " (HTTP " + answer.status() + ": " + answer.error() + "); give the key you"
                    + " kept with --public-key FILE", null);
        }
        PublicKey key = ReceiptKeys.readPublicKey(answer.body().path("pem").asText());
        return ReceiptVerifier.signature(document, key, "the model-registry at " + registry.baseUrl()
                + " (GET /receipt-key; --public-key checks against a key you kept instead)");
    }

    private Check artifactCheck(JsonNode document) {
        if (!Files.isDirectory(artifacts)) {
            throw new CliException(ExitCodes.USAGE, "--artifacts " + artifacts + " is not a directory");
        }
        try {
            return ReceiptVerifier.artifacts(document, new DirectoryArtifactStore(artifacts), artifacts.toString());
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot open --artifacts " + artifacts + ": " + e, e);
        }
    }

    private Check lineageCheck(JsonNode document) {
        String topic = lineageTopic == null || lineageTopic.isBlank() ? Topics.LINEAGE.name() : lineageTopic;
        AvroSerde<LineageEvent> serde = AvroSerde.forTopic(Topics.LINEAGE, connection.schemaRegistryClient());
        List<LineageEvent> events = new ArrayList<>();
        int undecodable = 0;
        for (ConsumerRecord<byte[], byte[]> r : TopicSnapshot.read(connection, topic, "the lineage topic "
                + topic + " does not exist; is --lineage-topic right, and --bootstrap-servers the registry's"
                + " cluster?")) {
            try {
                events.add(serde.deserialize(r.topic(), r.value()));
            } catch (RuntimeException e) {
                undecodable++;
            }
        }
        Check check = ReceiptVerifier.lineage(document, events, topic);
        return undecodable == 0 ? check : new Check(check.name(), check.outcome(), check.note() + " (" + undecodable
                + " undecodable records skipped)", check.mismatches());
    }
}
