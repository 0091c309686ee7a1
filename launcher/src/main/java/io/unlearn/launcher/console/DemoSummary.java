package io.unlearn.launcher.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.unlearn.launcher.scenario.DeletionScenario;
import io.unlearn.launcher.scenario.RequestTracker;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The demo's closing report, from the model-registry's answers and the status topic: per model, every version with
 * how it was made and judged; the inputs that did not make it, grouped by reason; the proof for one request.
 */
public final class DemoSummary {

    /** Metrics shown as columns when a version's verification has them (classifier families). */
    private static final List<String> COLUMNS = List.of("forget.accuracy", "retain.accuracy", "test.accuracy",
            "mia.accuracy");

    private final PrintStream out;
    private final String registryUrl;

    public DemoSummary(PrintStream out, String registryUrl) {
        this.out = out;
        this.registryUrl = registryUrl;
    }

    /**
     * One row per version of each model.
     *
     * @param trainingEpochs per model, the epochs its base was trained for: retraining from scratch costs about that
     *                       many backward passes over the training set, the yardstick for each version's cost
     */
    public void versions(Map<String, Integer> trainingEpochs) {
        out.printf("   %-20s %-24s %-12s %4s %7s %7s %7s %-13s %9s  %s%n", "model", "version", "method", "reqs",
                "forget", "retain", "test", "MIA", "cost", "verdict (other checks)");
        trainingEpochs.forEach((modelId, epochs) -> {
            JsonNode model = get("/models/" + encode(modelId));
            long trainingSamples = model.path("dataset").path("samples").asLong(0);
            for (JsonNode v : model.path("versions")) {
                String versionId = v.path("versionId").asText();
                if ("BASE".equals(v.path("status").asText())) {
                    out.printf("   %-20s %-24s %-12s %4s %7s %7s %7s %-13s %9s  %s%n", modelId, versionId, "(base)",
                            "-", "-", "-", "-", "-", "-", "");
                    continue;
                }
                JsonNode version = get("/models/" + encode(modelId) + "/versions/" + encode(versionId));
                JsonNode details = version.path("details");
                JsonNode metrics = version.path("verification").path("metrics");
                long backward = details.path("cost.backwardSamplePasses").asLong(-1);
                String cost = backward < 0 || trainingSamples == 0 ? "-"
                        : String.format("%.1f%%", 100.0 * backward / (epochs * (double) trainingSamples));
                out.printf("   %-20s %-24s %-12s %4d %7s %7s %7s %-13s %9s  %s%n", modelId, versionId,
                        details.path("method").asText("-"), v.path("requestIds").size(),
                        number(metrics, COLUMNS.get(0)), number(metrics, COLUMNS.get(1)),
                        number(metrics, COLUMNS.get(2)), mia(metrics), cost,
                        v.path("status").asText() + otherChecks(version.path("verification").path("checks")));
            }
        });
        out.println("   cost: backward sample passes as a share of retraining from scratch (the base's epochs over"
                + " its training set); MIA: attack accuracy ± 95 % interval, 0.5 = no membership signal");
    }

    /** The requests that did not end VERIFIED, grouped by final state and reason. */
    public void notVerified(List<String> requestIds, RequestTracker tracker) {
        Map<String, List<String>> byReason = new TreeMap<>();
        for (String id : requestIds) {
            Map<String, RequestStatus> latest = tracker.latestByModel(id);
            List<RequestStatus> finals = new ArrayList<>(latest.values());
            if (latest.isEmpty() && !tracker.history(id).isEmpty()) {
                List<RequestStatus> history = tracker.history(id);
                finals.add(history.get(history.size() - 1));
            }
            for (RequestStatus s : finals) {
                if (s.getState() != RequestState.VERIFIED) {
                    byReason.computeIfAbsent(s.getState() + ": " + abbreviate(s.getReason(), 140),
                            k -> new ArrayList<>()).add(id + (s.getModelId() == null ? "" : " (" + s.getModelId() + ")"));
                }
            }
        }
        if (byReason.isEmpty()) {
            out.println("   every request was VERIFIED");
        }
        byReason.forEach((reason, ids) -> out.printf("   %3d x %s%n         %s%n", ids.size(), reason,
                abbreviate(String.join(", ", ids), 140)));
    }

    /** The registry's proof for one VERIFIED request: per model, the first version that excludes it. */
    public void receipt(Optional<String> verifiedRequestId) {
        if (verifiedRequestId.isEmpty()) {
            out.println("   no VERIFIED request to show a receipt for");
            return;
        }
        String id = verifiedRequestId.get();
        JsonNode request = get("/requests/" + encode(id));
        out.println("   request " + id);
        for (JsonNode m : request.path("models")) {
            JsonNode v = m.path("firstExcludingVersion");
            out.printf("     model %s: excluded by %s, artifact sha256 %s%n", m.path("modelId").asText(),
                    v.path("versionId").asText("(none)"), abbreviate(v.path("artifactDigest").asText("-"), 20));
            JsonNode verified = v.path("verificationRecorded");
            if (verified.isObject()) {
                out.printf("       verification PASSED at %s, lineage event #%s hash %s%n",
                        v.path("verifiedAt").asText(), verified.path("sequence").asText(),
                        abbreviate(verified.path("hash").asText(), 20));
            }
        }
        out.println("     the whole receipt: bin/unlearn receipt " + id + " --registry " + registryUrl);
    }

    private JsonNode get(String path) {
        return DeletionScenario.getJson(registryUrl + path);
    }

    private static String number(JsonNode metrics, String key) {
        return metrics.hasNonNull(key) ? String.format("%.3f", metrics.get(key).asDouble()) : "-";
    }

    private static String mia(JsonNode metrics) {
        if (!metrics.hasNonNull("mia.accuracy")) {
            return "-";
        }
        String ci = metrics.hasNonNull("mia.accuracy.ci95")
                ? String.format("±%.2f", metrics.get("mia.accuracy.ci95").asDouble()) : "";
        return String.format("%.2f%s", metrics.get("mia.accuracy").asDouble(), ci);
    }

    /** The policy's checks on metrics not in the columns, e.g. a dual encoder's, with pass or fail. */
    private static String otherChecks(JsonNode checks) {
        List<String> shown = new ArrayList<>();
        for (JsonNode c : checks) {
            String metric = c.path("metric").asText();
            if (!COLUMNS.contains(metric)) {
                shown.add(String.format("%s %.3f %s %s %s", metric, c.path("value").asDouble(),
                        c.path("comparator").asText(), c.path("threshold").asText(),
                        c.path("passed").asBoolean() ? "ok" : "MISSED"));
            }
        }
        return shown.isEmpty() ? "" : " (" + String.join("; ", shown) + ")";
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String s, int max) {
        return s == null ? "" : s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
