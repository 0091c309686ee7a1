package io.unlearn.launcher.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.SamplePair;
import io.unlearn.unlearning.spi.ImageSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Sends a mix of deletion requests, the way upstream systems would, and follows each one to the end.
 *
 * <p>The mix, for {@code n} requests with a seeded random choice: one CLASS request per class-level model (naming the
 * model); per pair-level model (a dual encoder) one CLASS request and {@value #PAIR_REQUESTS} PAIRS requests of 1–3
 * image-caption pairs; then about 60% of the rest SUBJECT requests (resolved through the training manifest), the
 * others SAMPLES requests of 1–5 sample ids naming the sample-level model. With {@code badInput} it adds what users
 * get wrong: a re-sent request (must settle as DUPLICATE_OF), one naming an unknown model (REJECTED), and requests
 * that are well-formed but name data the model was not trained on (FAILED alone, the rest of their batch goes on): a
 * sample id missing from the data set and, per pair-level model, a pair whose caption is not its image's.
 */
public final class DeletionScenario {

    private static final Logger LOG = LoggerFactory.getLogger(DeletionScenario.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** PAIRS requests sent per pair-level model. */
    public static final int PAIR_REQUESTS = 3;

    /**
     * What was sent: request id to the time it was first sent, in send order; each request's scope; the id that
     * was sent twice (its first copy must still be unlearned, the second settles as DUPLICATE_OF); the id naming an
     * unknown model; the ids of requests naming data their model was not trained on.
     */
    public record Sent(Map<String, Instant> sentAt, Map<String, DeletionScope> scopes, String duplicateId,
                       String unknownModelId, List<String> untrainedDataIds) {

        public Sent {
            untrainedDataIds = List.copyOf(untrainedDataIds);
        }

        public List<String> requestIds() {
            return List.copyOf(sentAt.keySet());
        }

        /** The requests expected to reach VERIFIED: all but the bad input. */
        public List<String> validRequestIds() {
            return sentAt.keySet().stream().filter(id -> !id.equals(unknownModelId))
                    .filter(id -> !untrainedDataIds.contains(id)).toList();
        }
    }

    private DeletionScenario() {
    }

    /** Builds and sends the requests; returns once the producer has flushed them. */
    public static Sent send(String bootstrapServers, SchemaRegistryClient registry, ImageSet train,
                            String sampleModel, List<String> classModels, List<String> pairModels, int n,
                            boolean badInput, long seed) {
        Random random = new Random(seed);
        List<DeletionRequest> requests = new ArrayList<>();
        Instant now = Instant.now();
        String run = Long.toString(now.toEpochMilli(), 36);
        int next = 0;
        for (String classModel : classModels) {
            requests.add(base("r-" + run + "-" + next++, DeletionScope.CLASS, now).setClassLabel(0)
                    .setModelIds(List.of(classModel)).setReason("licence withdrawn for class 0").build());
        }
        for (String pairModel : pairModels) {
            requests.add(base("r-" + run + "-" + next++, DeletionScope.CLASS, now).setClassLabel(1)
                    .setModelIds(List.of(pairModel)).setReason("concept takedown: class 1").build());
            for (int r = 0; r < PAIR_REQUESTS; r++) {
                List<SamplePair> pairs = new ArrayList<>();
                int count = 1 + random.nextInt(3);
                for (int i = 0; i < count; i++) {
                    String image = Integer.toString(train.id(random.nextInt(train.size())));
                    pairs.add(new SamplePair(image, image));
                }
                requests.add(base("r-" + run + "-" + next++, DeletionScope.PAIRS, now).setPairs(pairs)
                        .setModelIds(List.of(pairModel)).setReason("image-caption takedown").build());
            }
        }
        Set<Integer> subjectsUsed = new LinkedHashSet<>();
        int subjects = train.size() / ImageSet.SAMPLES_PER_SUBJECT;
        int subjectRequests = (int) Math.round((n - requests.size()) * 0.6);
        while (subjectsUsed.size() < subjectRequests) {
            subjectsUsed.add(random.nextInt(subjects));
        }
        for (int subject : subjectsUsed) {
            requests.add(base("r-" + run + "-" + next++, DeletionScope.SUBJECT, now)
                    .setSubjectId(ImageSet.subjectOf(subject * ImageSet.SAMPLES_PER_SUBJECT))
                    .setReason("GDPR art. 17 erasure").build());
        }
        while (requests.size() < n) {
            List<String> samples = new ArrayList<>();
            int count = 1 + random.nextInt(5);
            for (int i = 0; i < count; i++) {
                samples.add(Integer.toString(train.id(random.nextInt(train.size()))));
            }
            requests.add(base("r-" + run + "-" + next++, DeletionScope.SAMPLES, now).setSampleIds(samples)
                    .setModelIds(List.of(sampleModel)).setReason("takedown").build());
        }
        String duplicateId = null;
        String unknownModelId = null;
        List<String> untrainedDataIds = new ArrayList<>();
        if (badInput) {
            DeletionRequest first = requests.get(requests.size() - 1);
            requests.add(DeletionRequest.newBuilder(first).build());
            duplicateId = first.getRequestId();
            unknownModelId = "r-" + run + "-" + next++;
            requests.add(base(unknownModelId, DeletionScope.SAMPLES, now).setSampleIds(List.of("1"))
                    .setModelIds(List.of("no-such-model")).setReason("typo in the model id").build());
            String unknownSample = "r-" + run + "-" + next++;
            untrainedDataIds.add(unknownSample);
            requests.add(base(unknownSample, DeletionScope.SAMPLES, now).setSampleIds(List.of("999999999"))
                    .setModelIds(List.of(sampleModel)).setReason("a sample id from another data set").build());
            for (String pairModel : pairModels) {
                String foreignPair = "r-" + run + "-" + next++;
                untrainedDataIds.add(foreignPair);
                String image = Integer.toString(train.id(0));
                String caption = Integer.toString(train.id(1));
                requests.add(base(foreignPair, DeletionScope.PAIRS, now).setPairs(List.of(new SamplePair(image,
                        caption))).setModelIds(List.of(pairModel)).setReason("a pair that was never trained on")
                        .build());
            }
        }
        Map<String, Instant> sentAt = new LinkedHashMap<>();
        Map<String, DeletionScope> scopes = new LinkedHashMap<>();
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, DeletionRequest> producer = new KafkaProducer<>(config, new StringSerializer(),
                AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry).serializer())) {
            for (DeletionRequest request : requests) {
                sentAt.putIfAbsent(request.getRequestId(), Instant.now());
                scopes.put(request.getRequestId(), request.getScope());
                producer.send(new ProducerRecord<>(Topics.DELETION_REQUESTS.name(), request.getRequestId(), request));
            }
            producer.flush();
        }
        LOG.info("Sent {} deletion requests ({} distinct ids)", requests.size(), sentAt.size());
        return new Sent(sentAt, scopes, duplicateId, unknownModelId, untrainedDataIds);
    }

    static DeletionRequest.Builder base(String id, DeletionScope scope, Instant now) {
        return DeletionRequest.newBuilder().setRequestId(id).setScope(scope).setRequestedAt(now);
    }

    /** Prints one line per request: its final state per model, the excluding version and the attempts. */
    public static void printOutcomes(PrintStream out, Sent sent, RequestTracker tracker, int maxRows) {
        Map<String, Integer> counts = new TreeMap<>();
        int row = 0;
        out.printf("%-28s %-24s %-10s %-26s %s%n", "request", "model", "state", "version", "reason");
        for (String id : sent.requestIds()) {
            List<RequestStatus> history = tracker.history(id);
            Map<String, RequestStatus> latest = tracker.latestByModel(id);
            List<RequestStatus> shown = latest.isEmpty() && !history.isEmpty()
                    ? List.of(history.get(history.size() - 1)) : List.copyOf(latest.values());
            for (RequestStatus s : shown) {
                counts.merge(s.getState().name(), 1, Integer::sum);
                if (row++ < maxRows) {
                    out.printf("%-28s %-24s %-10s %-26s %s%n", id, s.getModelId() == null ? "-" : s.getModelId(),
                            s.getState(), s.getVersionId() == null ? "-" : s.getVersionId(), abbreviate(s.getReason()));
                }
            }
        }
        if (row > maxRows) {
            out.printf("... %d more rows%n", row - maxRows);
        }
        out.println("final states (request x model): " + counts);
    }

    /** GET a JSON document from the model-registry. */
    public static JsonNode getJson(String url) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString(
                    StandardCharsets.UTF_8));
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: GET " + url, e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 90 ? s : s.substring(0, 87) + "...";
    }
}
