package io.unlearn.launcher.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * End-to-end latency from sending a deletion request to its VERIFIED status, split by stage using the times the
 * services stamped on their statuses:
 * <pre>
 *   stream-processor  first BATCHED          - sent
 *   unlearn-worker    last UNLEARNED         - the BATCHED before it     (queue, waiting for the previous verdict, unlearning)
 *   verifier          VERIFIED               - last UNLEARNED            (evaluation, verdict)
 *   retries           total - the three above                            (failed attempts before the one that passed)
 * </pre>
 * One row per model (so per policy), p50 and p95 over its requests, in milliseconds.
 */
public final class LatencyReport {

    static final List<String> STAGES = List.of("stream-processor", "unlearn-worker", "verifier", "retries", "total");

    /** Stage durations of one request for one model. */
    public record Sample(String requestId, String modelId, Map<String, Long> stageMillis, int attempts) {
    }

    private final Map<String, List<Sample>> byModel = new TreeMap<>();

    /** Adds a request's timeline for each model it was VERIFIED for; others are counted elsewhere. */
    public void add(String requestId, Instant sentAt, List<RequestStatus> history) {
        Map<String, List<RequestStatus>> perModel = new LinkedHashMap<>();
        for (RequestStatus s : history) {
            if (s.getModelId() != null) {
                perModel.computeIfAbsent(s.getModelId(), m -> new ArrayList<>()).add(s);
            }
        }
        perModel.forEach((model, statuses) -> {
            RequestStatus last = statuses.get(statuses.size() - 1);
            if (last.getState() != RequestState.VERIFIED) {
                return;
            }
            Instant verified = last.getAt();
            Instant firstBatched = null;
            Instant lastBatched = null;
            Instant lastUnlearned = null;
            int attempts = 0;
            for (RequestStatus s : statuses) {
                if (s.getState() == RequestState.BATCHED) {
                    firstBatched = firstBatched == null ? s.getAt() : firstBatched;
                    lastBatched = s.getAt();
                } else if (s.getState() == RequestState.UNLEARNED) {
                    lastUnlearned = s.getAt();
                    attempts++;
                }
            }
            if (firstBatched == null || lastUnlearned == null) {
                return;
            }
            Map<String, Long> stages = new LinkedHashMap<>();
            long total = millis(sentAt, verified);
            stages.put("stream-processor", millis(sentAt, firstBatched));
            stages.put("unlearn-worker", millis(lastBatched, lastUnlearned));
            stages.put("verifier", millis(lastUnlearned, verified));
            stages.put("retries", Math.max(0, total - stages.values().stream().mapToLong(Long::longValue).sum()));
            stages.put("total", total);
            byModel.computeIfAbsent(model, m -> new ArrayList<>()).add(new Sample(requestId, model, stages, attempts));
        });
    }

    public Map<String, List<Sample>> samples() {
        return byModel;
    }

    /** p-th percentile (nearest rank) of one stage for one model, in ms. */
    public long percentile(String modelId, String stage, double p) {
        long[] values = byModel.getOrDefault(modelId, List.of()).stream()
                .mapToLong(s -> s.stageMillis().get(stage)).sorted().toArray();
        if (values.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * values.length);
        return values[Math.max(0, Math.min(values.length - 1, rank - 1))];
    }

    public void print(PrintStream out, Map<String, String> policyByModel) {
        out.printf("%-22s %-12s %5s  %s%n", "model", "policy", "n", String.join("  ",
                STAGES.stream().map(s -> String.format("%-21s", s + " p50/p95")).toList()));
        byModel.forEach((model, samples) -> {
            StringBuilder row = new StringBuilder();
            for (String stage : STAGES) {
                row.append(String.format("%-21s  ", String.format("%,d / %,d ms", percentile(model, stage, 50),
                        percentile(model, stage, 95))));
            }
            out.printf("%-22s %-12s %5d  %s%n", model, policyByModel.getOrDefault(model, "?"), samples.size(), row);
        });
    }

    public void writeJson(Path file, Map<String, Object> context) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>(context);
        Map<String, Object> models = new LinkedHashMap<>();
        byModel.forEach((model, samples) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("requests", samples.size());
            for (String stage : STAGES) {
                m.put(stage, Map.of("p50Ms", percentile(model, stage, 50), "p95Ms", percentile(model, stage, 95)));
            }
            m.put("attemptsMax", samples.stream().mapToInt(Sample::attempts).max().orElse(0));
            models.put(model, m);
        });
        json.put("latencyByModel", models);
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }

    private static long millis(Instant from, Instant to) {
        return to.toEpochMilli() - from.toEpochMilli();
    }
}
