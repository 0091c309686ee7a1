package io.unlearn.launcher.scenario;

import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.unlearning.spi.ImageSet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Deletion requests arriving continuously, as a Poisson process, through a running system: what upstream traffic
 * looks like, rather than the demo's one burst. A share of them is bad input in equal parts: a re-sent id (must
 * settle as DUPLICATE_OF), an unknown model (REJECTED) and a sample id the data set lacks (FAILED alone). Sends for
 * the given time, then waits for the backlog to drain, and reports latency from request to VERIFIED, the backlog
 * over time, and the requests lost: sent but never settled, or settled twice for one model.
 */
public final class PoissonLoad {

    /** What a run measured. */
    public record Result(int sent, int valid, int bad, int lost, int finalTwice, Map<String, Long> finalStates,
                         List<Map<String, Object>> backlog, LatencyReport latency, long sendSeconds,
                         long drainSeconds) {
    }

    private final String bootstrapServers;
    private final SchemaRegistryClient registry;
    private final ImageSet train;
    private final String model;
    private final Random random;

    /**
     * @param model the model SAMPLES requests name; SUBJECT requests reach it through the training manifest
     */
    public PoissonLoad(String bootstrapServers, SchemaRegistryClient registry, ImageSet train, String model,
                       long seed) {
        this.bootstrapServers = bootstrapServers;
        this.registry = registry;
        this.train = train;
        this.model = model;
        this.random = new Random(seed);
    }

    /**
     * Sends at {@code ratePerSecond} for {@code duration}, then waits up to {@code drain} for every request to settle.
     *
     * @param badShare share of bad input, 0..1
     * @param out where the progress line goes every {@code every}
     */
    public Result run(double ratePerSecond, Duration duration, double badShare, Duration drain, Duration every,
                      PrintStream out) {
        String run = Long.toString(System.currentTimeMillis(), 36);
        Map<String, Instant> sentAt = new LinkedHashMap<>();
        List<String> valid = new ArrayList<>();
        List<Map<String, Object>> backlog = new ArrayList<>();
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0);
        int bad = 0;
        long start = System.nanoTime();
        long sendEnd = start + duration.toNanos();
        long nextSend = start;
        long nextReport = start + every.toNanos();
        try (RequestTracker tracker = new RequestTracker(bootstrapServers, registry);
             KafkaProducer<String, DeletionRequest> producer = new KafkaProducer<>(config, new StringSerializer(),
                     AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry).serializer())) {
            int next = 0;
            while (System.nanoTime() < sendEnd) {
                long now = System.nanoTime();
                while (nextSend <= now && nextSend < sendEnd) {
                    Instant at = Instant.now();
                    DeletionRequest request;
                    if (random.nextDouble() < badShare && !valid.isEmpty()) {
                        request = badRequest(run + "-" + next++, valid, at);
                        bad++;
                    } else {
                        request = validRequest("r-" + run + "-" + next++, at);
                        valid.add(request.getRequestId());
                    }
                    sentAt.putIfAbsent(request.getRequestId(), at);
                    producer.send(new ProducerRecord<>(Topics.DELETION_REQUESTS.name(), request.getRequestId(),
                            request));
                    // Exponential gaps: a Poisson process of the given rate.
                    nextSend += (long) (-Math.log(1 - random.nextDouble()) / ratePerSecond * 1e9);
                }
                producer.flush();
                tracker.poll();
                if (System.nanoTime() >= nextReport) {
                    backlog.add(progress(out, "sending", start, sentAt.keySet(), tracker));
                    nextReport += every.toNanos();
                }
            }
            long sendSeconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            long drainStart = System.nanoTime();
            long drainEnd = drainStart + drain.toNanos();
            while (System.nanoTime() < drainEnd && !sentAt.keySet().stream().allMatch(tracker::settled)) {
                tracker.poll();
                if (System.nanoTime() >= nextReport) {
                    backlog.add(progress(out, "draining", start, sentAt.keySet(), tracker));
                    nextReport += every.toNanos();
                }
            }
            backlog.add(progress(out, "done", start, sentAt.keySet(), tracker));
            long drainSeconds = Duration.ofNanos(System.nanoTime() - drainStart).toSeconds();

            LatencyReport latency = new LatencyReport();
            Map<String, Long> finalStates = new TreeMap<>();
            int lost = 0;
            int finalTwice = 0;
            for (String id : sentAt.keySet()) {
                if (!tracker.settled(id)) {
                    lost++;
                }
                latency.add(id, sentAt.get(id), tracker.history(id));
                Map<String, Integer> finalsPerModel = new TreeMap<>();
                for (RequestStatus s : tracker.history(id)) {
                    if (s.getModelId() != null && Set.of(RequestState.VERIFIED, RequestState.FAILED)
                            .contains(s.getState())) {
                        finalsPerModel.merge(s.getModelId(), 1, Integer::sum);
                    }
                }
                finalTwice += (int) finalsPerModel.values().stream().filter(c -> c > 1).count();
                tracker.latestByModel(id).values().forEach(s -> finalStates.merge(s.getState().name(), 1L,
                        Long::sum));
                if (tracker.latestByModel(id).isEmpty()) {
                    List<RequestStatus> h = tracker.history(id);
                    finalStates.merge(h.isEmpty() ? "NONE" : h.get(h.size() - 1).getState().name(), 1L, Long::sum);
                }
            }
            // next counts records: a re-sent copy is a record under an id already sent
            return new Result(next, valid.size(), bad, lost, finalTwice, finalStates, backlog, latency,
                    sendSeconds, drainSeconds);
        }
    }

    private DeletionRequest validRequest(String id, Instant at) {
        if (random.nextDouble() < 0.5) {
            int subject = random.nextInt(train.size() / ImageSet.SAMPLES_PER_SUBJECT);
            return DeletionScenario.base(id, DeletionScope.SUBJECT, at)
                    .setSubjectId(ImageSet.subjectOf(subject * ImageSet.SAMPLES_PER_SUBJECT))
                    .setReason("GDPR art. 17 erasure").build();
        }
        List<String> samples = new ArrayList<>();
        int count = 1 + random.nextInt(5);
        for (int i = 0; i < count; i++) {
            samples.add(Integer.toString(train.id(random.nextInt(train.size()))));
        }
        return DeletionScenario.base(id, DeletionScope.SAMPLES, at).setSampleIds(samples)
                .setModelIds(List.of(model)).setReason("takedown").build();
    }

    private DeletionRequest badRequest(String suffix, List<String> valid, Instant at) {
        int kind = random.nextInt(3);
        if (kind == 0) {
            // The re-sent copy keeps its first id: it must settle as DUPLICATE_OF without disturbing the first.
            String first = valid.get(random.nextInt(valid.size()));
            return DeletionScenario.base(first, DeletionScope.SAMPLES, at).setSampleIds(List.of("0"))
                    .setModelIds(List.of(model)).setReason("re-sent").build();
        }
        if (kind == 1) {
            return DeletionScenario.base("bad-model-" + suffix, DeletionScope.SAMPLES, at)
                    .setSampleIds(List.of("1")).setModelIds(List.of("no-such-model"))
                    .setReason("typo in the model id").build();
        }
        return DeletionScenario.base("bad-sample-" + suffix, DeletionScope.SAMPLES, at)
                .setSampleIds(List.of("999999999")).setModelIds(List.of(model))
                .setReason("a sample id from another data set").build();
    }

    private static Map<String, Object> progress(PrintStream out, String phase, long start, Set<String> ids,
                                                RequestTracker tracker) {
        long settled = ids.stream().filter(tracker::settled).count();
        long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        double rate = seconds > 0 ? settled * 60.0 / seconds : 0;
        out.printf("   %5d s  %-8s sent %5d  settled %5d  backlog %5d  (%.1f settled/min)%n", seconds, phase,
                ids.size(), settled, ids.size() - settled, rate);
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("seconds", seconds);
        point.put("sent", ids.size());
        point.put("settled", settled);
        point.put("backlog", ids.size() - settled);
        return point;
    }

    /** Prints the summary table and writes it as JSON. */
    public static void report(Result r, Map<String, Object> context, PrintStream out, Path json) throws IOException {
        out.printf("%-34s %s%n", "requests sent (records)", r.sent());
        out.printf("%-34s %s valid, %s bad input%n", "of which", r.valid(), r.bad());
        out.printf("%-34s %s%n", "final states (request x model)", r.finalStates());
        out.printf("%-34s %s%n", "lost (never settled)", r.lost());
        out.printf("%-34s %s%n", "settled twice for one model", r.finalTwice());
        out.printf("%-34s %s s sending, %s s draining%n", "time", r.sendSeconds(), r.drainSeconds());
        out.printf("%-24s %6s %10s %10s %10s%n", "model", "n", "p50 ms", "p95 ms", "p99 ms");
        Map<String, Object> latency = new LinkedHashMap<>();
        r.latency().samples().forEach((model, samples) -> {
            long p50 = r.latency().percentile(model, "total", 50);
            long p95 = r.latency().percentile(model, "total", 95);
            long p99 = r.latency().percentile(model, "total", 99);
            out.printf("%-24s %6d %,10d %,10d %,10d%n", model, samples.size(), p50, p95, p99);
            latency.put(model, Map.of("verified", samples.size(), "p50Ms", p50, "p95Ms", p95, "p99Ms", p99));
        });
        Map<String, Object> doc = new LinkedHashMap<>(context);
        doc.put("sent", r.sent());
        doc.put("valid", r.valid());
        doc.put("bad", r.bad());
        doc.put("lost", r.lost());
        doc.put("settledTwice", r.finalTwice());
        doc.put("finalStates", r.finalStates());
        doc.put("sendSeconds", r.sendSeconds());
        doc.put("drainSeconds", r.drainSeconds());
        doc.put("latencyToVerified", latency);
        doc.put("backlog", r.backlog());
        Files.createDirectories(json.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
        out.println("   written to " + json);
    }
}
