package io.unlearn.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unlearn.cli.ConnectionOptions;
import io.unlearn.cli.ExitCodes;
import io.unlearn.cli.errors.NotFoundException;
import io.unlearn.cli.requests.RequestOutcomes;
import io.unlearn.kit.modelregistry.ModelRegistryClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static io.unlearn.cli.commands.RegistryDocuments.segment;
import static io.unlearn.cli.commands.RegistryDocuments.text;

/**
 * {@code unlearn receipt ID}: what an auditor keeps as proof that a deletion request was carried out: per model, the
 * first version that excludes it with the lineage events (sequence and hash) that record its candidate and its
 * PASSED verification, whether the current version descends from it, and the registry's lineage check at the time.
 * Built from {@code GET /requests/{id}} and {@code GET /lineage/verify}; nothing is signed, the hashes are the proof.
 */
@Command(name = "receipt", mixinStandardHelpOptions = true,
        description = {"Print the proof that a deletion request was carried out: per model, the first version that "
                + "excludes it, the lineage events (sequence, hash) recording its candidate and its PASSED "
                + "verification, whether the current version descends from it, and the lineage check "
                + "(model-registry GET /requests/{id} and GET /lineage/verify).",
                "Exits 0 only when every model excludes the request and the lineage is intact; 3 when the request "
                        + "was rejected, failed, or is not excluded yet; 6 when the lineage is broken."})
public final class ReceiptCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "REQUEST_ID", description = "The deletion request's id.")
    String requestId;

    @Option(names = "--json", description = "Print the receipt as one JSON document (the registry's answers in it).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ModelRegistryClient registry = connection.modelRegistryClient();
        JsonNode request = registry.getJson("/requests/" + segment(requestId)).orElseThrow(() -> new NotFoundException(
                "deletion request '" + requestId + "' is unknown to the model-registry at " + registry.baseUrl()
                        + "; there is nothing to give a receipt for"));
        JsonNode lineage = RegistryDocuments.require(registry, "/lineage/verify", "the registry has no lineage check");
        String generatedAt = Instant.now().toString();

        RequestOutcomes.Summary summary = RegistryDocuments.outcome(requestId, request);
        List<String> gaps = new ArrayList<>();
        for (JsonNode m : request.path("models")) {
            if (!m.path("firstExcludingVersion").isObject()) {
                gaps.add("model " + text(m, "modelId") + " has no version that excludes the request");
            } else if (!m.path("currentVersionExcludes").asBoolean()) {
                gaps.add("model " + text(m, "modelId") + "'s current version " + text(m, "currentVersionId")
                        + " does not descend from the excluding version");
            }
        }
        boolean intact = "OK".equals(text(lineage, "status"));
        String result;
        int code;
        if (!intact) {
            result = "LINEAGE BROKEN: the proof below cannot be relied on";
            code = ExitCodes.LINEAGE_BROKEN;
        } else if (summary.outcome() == RequestOutcomes.Outcome.NO_MODELS_AFFECTED) {
            result = "NO MODEL AFFECTED: no registered model was trained on the data the request names";
            code = ExitCodes.OK;
        } else if (summary.outcome() != RequestOutcomes.Outcome.ACCEPTED && summary.outcome()
                != RequestOutcomes.Outcome.DUPLICATE || !gaps.isEmpty() || request.path("models").isEmpty()) {
            result = "NOT EXCLUDED (" + summary.outcome() + (gaps.isEmpty() ? "" : "; " + String.join("; ", gaps))
                    + ")";
            code = ExitCodes.REJECTED;
        } else {
            result = "EXCLUDED by every model it concerns";
            code = ExitCodes.OK;
        }

        if (json) {
            ObjectNode receipt = JSON.createObjectNode();
            receipt.put("requestId", requestId);
            receipt.put("generatedAt", generatedAt);
            receipt.put("modelRegistry", registry.baseUrl());
            receipt.put("result", result);
            receipt.set("request", request);
            receipt.set("lineageCheck", lineage);
            out.println(receipt.toPrettyString());
            out.flush();
            return code;
        }
        out.printf("Receipt for deletion request %s%ngenerated %s from the model-registry at %s%n%n", requestId,
                generatedAt, registry.baseUrl());
        JsonNode first = request.path("history").path(0);
        if (!first.isMissingNode()) {
            out.printf("first status: %s %s (%s)%n", text(first, "at"), text(first, "state"), text(first, "stage"));
        }
        for (JsonNode m : request.path("models")) {
            JsonNode v = m.path("firstExcludingVersion");
            out.printf("%nmodel %s%n", text(m, "modelId"));
            if (!v.isObject()) {
                out.printf("  not excluded yet; attempts: %s%n", m.path("attempts"));
                continue;
            }
            out.printf("  excluded by version %s (parent %s, batch %s)%s%n", text(v, "versionId"),
                    text(v, "parentVersionId"), text(v, "batchId"),
                    m.path("excludedOnArrival").asBoolean() ? ", which had already forgotten the data" : "");
            out.printf("  artifact sha256 %s%n", text(v, "artifactDigest"));
            out.printf("  verified PASSED at %s%n", text(v, "verifiedAt"));
            proof(out, "candidate recorded", v.path("candidateRecorded"));
            proof(out, "verification recorded", v.path("verificationRecorded"));
            out.printf("  current version %s %s it%n", text(m, "currentVersionId"),
                    m.path("currentVersionExcludes").asBoolean() ? "descends from" : "does NOT descend from");
        }
        out.printf("%nlineage check: %s (%s events of %s models, at %s)%n", text(lineage, "status"),
                text(lineage, "checkedEvents"), text(lineage, "checkedModels"), text(lineage, "checkedAt"));
        if (!intact) {
            JsonNode b = lineage.path("break");
            out.printf("  break: model %s, event %s: %s%n", text(b, "modelId"), text(b, "sequence"),
                    text(b, "problem"));
        }
        out.printf("%nresult: %s%n", result);
        out.flush();
        return code;
    }

    private static void proof(PrintWriter out, String what, JsonNode event) {
        if (event.isObject()) {
            out.printf("  %s: lineage event #%s %s, hash %s, at %s%n", what, text(event, "sequence"),
                    text(event, "type"), text(event, "hash"), text(event, "recordedAt"));
        }
    }
}
