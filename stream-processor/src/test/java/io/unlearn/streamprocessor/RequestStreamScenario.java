package io.unlearn.streamprocessor;

import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static io.unlearn.streamprocessor.TestRequests.manifest;
import static io.unlearn.streamprocessor.TestRequests.samples;
import static io.unlearn.streamprocessor.TestRequests.subject;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A deterministic stream of deletion requests over 20 models, and the check of what the stream-processor made of it,
 * for the integration tests. Models m00..m14 are known from {@code known.models}, m15..m19 only from the training
 * manifest. Per request index i: i%97==0 names an unknown model (REJECTED); else i%31==0 a subject no model trained
 * on (NO_MODELS_AFFECTED); else i%23==0 a manifest subject (fan-out to 1 or 2 of m15..m19); else i%7==0 samples
 * of one of m15..m19; else samples of one of m00..m14. After every 50th request an earlier accepted one is re-sent
 * (DUPLICATE_OF), and after every 200th an undecodable JSON record is sent (dead letter).
 */
final class RequestStreamScenario {

    static final String KNOWN_MODELS = IntStream.range(0, 15).mapToObj(RequestStreamScenario::model)
            .collect(Collectors.joining(","));

    final List<ProducerRecord<byte[], byte[]>> manifestRecords = new ArrayList<>();
    final List<ProducerRecord<byte[], byte[]>> sends = new ArrayList<>();
    /** Request id to the model ids it must be BATCHED for; empty for REJECTED / NO_MODELS_AFFECTED ones. */
    final Map<String, Set<String>> expectedModels = new HashMap<>();
    /** Request id to the terminal state of its first send. */
    final Map<String, RequestState> expectedState = new HashMap<>();
    /** Request id to how often it was re-sent. */
    final Map<String, Integer> resends = new HashMap<>();
    int undecodable;

    RequestStreamScenario(int count, String requestsTopic, String manifestTopic, SchemaRegistryClient registry) {
        AvroSerde<DeletionRequest> requestSerde = AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry);
        AvroSerde<ManifestEntry> manifestSerde = AvroSerde.forTopic(Topics.TRAINING_MANIFEST, registry);
        Map<String, Set<String>> subjectModels = new HashMap<>();
        for (int k = 0; k < 40; k++) {
            String subjectId = "u" + k;
            List<String> modelsAndSamples = new ArrayList<>(List.of(model(15 + k % 5), subjectId + "-a," + subjectId + "-b"));
            if (k % 2 == 0) {
                modelsAndSamples.addAll(List.of(model(15 + (k + 1) % 5), subjectId + "-c"));
            }
            ManifestEntry entry = manifest(subjectId, modelsAndSamples.toArray(String[]::new));
            subjectModels.put(subjectId, entry.getModels().stream().map(m -> m.getModelId())
                    .collect(Collectors.toCollection(LinkedHashSet::new)));
            manifestRecords.add(new ProducerRecord<>(manifestTopic, utf8(subjectId),
                    manifestSerde.serialize(manifestTopic, entry)));
        }
        List<DeletionRequest> accepted = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = String.format("req-%05d", i);
            DeletionRequest request;
            if (i % 97 == 0) {
                request = samples(id, "m-unknown", "s" + i).build();
                expect(id, RequestState.REJECTED, Set.of());
            } else if (i % 31 == 0) {
                request = subject(id, "ghost-" + i).build();
                expect(id, RequestState.NO_MODELS_AFFECTED, Set.of());
            } else if (i % 23 == 0) {
                String subjectId = "u" + (i % 40);
                request = subject(id, subjectId).build();
                expect(id, RequestState.BATCHED, subjectModels.get(subjectId));
            } else {
                String modelId = i % 7 == 0 ? model(15 + i % 5) : model(i % 15);
                String[] sampleIds = IntStream.rangeClosed(0, i % 3).mapToObj(j -> "s" + j).toArray(String[]::new);
                request = samples(id, modelId, sampleIds).build();
                expect(id, RequestState.BATCHED, Set.of(modelId));
            }
            send(requestsTopic, request, requestSerde);
            if (expectedState.get(id) == RequestState.BATCHED) {
                accepted.add(request);
            }
            if (i % 50 == 49) {
                DeletionRequest again = accepted.get((i * 7) % accepted.size());
                resends.merge(again.getRequestId(), 1, Integer::sum);
                send(requestsTopic, again, requestSerde);
            }
            if (i % 200 == 199) {
                undecodable++;
                sends.add(new ProducerRecord<>(requestsTopic, utf8("bad-" + i), utf8("{\"requestId\":\"bad-" + i + "\"}")));
            }
        }
    }

    static String model(int index) {
        return String.format("m%02d", index);
    }

    private void expect(String id, RequestState state, Set<String> models) {
        expectedState.put(id, state);
        expectedModels.put(id, models);
    }

    private void send(String topic, DeletionRequest request, AvroSerde<DeletionRequest> serde) {
        sends.add(new ProducerRecord<>(topic, utf8(request.getRequestId()), serde.serialize(topic, request)));
    }

    /**
     * Statuses the processor must write in total: one per (request, model) or per rejected/unaffected request, one
     * per re-send, and for each subject no model trained on the RECEIVED that says it waits for a manifest entry.
     */
    int expectedStatusCount() {
        int perRequest = expectedModels.entrySet().stream().mapToInt(e -> Math.max(1, e.getValue().size())).sum();
        long waited = expectedState.values().stream().filter(s -> s == RequestState.NO_MODELS_AFFECTED).count();
        return perRequest + (int) waited + resends.values().stream().mapToInt(Integer::intValue).sum();
    }

    static void produce(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    /** Reads a whole topic as committed so far (read_committed: aborted transactions are invisible). */
    static final class CommittedReader implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

        CommittedReader(String bootstrap, String topic) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        void poll() {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /** What the processor wrote, as read with read_committed. */
    record Outcome(List<RequestStatus> statuses, List<UnlearningBatch> batches, int deadLetters) {
    }

    /**
     * Reads statuses, batches and dead letters until the expected number of statuses is reached (or {@code timeout}),
     * then reads for {@code settle} more to catch anything written twice.
     */
    Outcome await(String bootstrap, String statusTopic, String batchesTopic, String deadLetterTopic,
                  SchemaRegistryClient registry, Duration timeout, Duration settle) {
        AvroSerde<RequestStatus> statusSerde = AvroSerde.forTopic(Topics.REQUEST_STATUS, registry);
        AvroSerde<UnlearningBatch> batchSerde = AvroSerde.forTopic(Topics.BATCHES, registry);
        try (CommittedReader statuses = new CommittedReader(bootstrap, statusTopic);
             CommittedReader batches = new CommittedReader(bootstrap, batchesTopic);
             CommittedReader dead = new CommittedReader(bootstrap, deadLetterTopic)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (statuses.records.size() < expectedStatusCount() && System.nanoTime() < deadline) {
                statuses.poll();
            }
            long settleEnd = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() < settleEnd) {
                statuses.poll();
                batches.poll();
                dead.poll();
            }
            return new Outcome(
                    statuses.records.stream().map(r -> statusSerde.deserialize(statusTopic, r.value())).toList(),
                    batches.records.stream().map(r -> batchSerde.deserialize(batchesTopic, r.value())).toList(),
                    dead.records.size());
        }
    }

    /** Every request ends in exactly its expected terminal statuses, and every BATCHED one sits in exactly one batch. */
    void assertOutcome(Outcome outcome) {
        assertEquals(expectedStatusCount(), outcome.statuses().size(), "statuses written");
        Map<String, List<RequestStatus>> byRequest = outcome.statuses().stream()
                .collect(Collectors.groupingBy(s -> s.getRequestId().toString()));
        assertEquals(expectedState.keySet(), byRequest.keySet(), "requests with a status");
        Map<String, String> batchOf = new HashMap<>();
        expectedState.forEach((id, state) -> {
            List<RequestStatus> got = byRequest.get(id);
            int resent = resends.getOrDefault(id, 0);
            long dup = got.stream().filter(s -> s.getState() == RequestState.DUPLICATE_OF).count();
            assertEquals(resent, dup, id + " DUPLICATE_OF statuses: " + got);
            long received = got.stream().filter(s -> s.getState() == RequestState.RECEIVED).count();
            assertEquals(state == RequestState.NO_MODELS_AFFECTED ? 1 : 0, received, id + " RECEIVED (waiting): " + got);
            List<RequestStatus> terminal = got.stream().filter(s -> s.getState() != RequestState.DUPLICATE_OF
                    && s.getState() != RequestState.RECEIVED).toList();
            terminal.forEach(s -> assertEquals(state, s.getState(), id + ": " + got));
            if (state == RequestState.BATCHED) {
                List<String> models = terminal.stream().map(s -> s.getModelId().toString()).sorted().toList();
                assertEquals(new TreeSet<>(expectedModels.get(id)).stream().toList(), models, id + " batched for");
                terminal.forEach(s -> batchOf.put(id + "@" + s.getModelId(), s.getBatchId().toString()));
            } else {
                assertEquals(1, terminal.size(), id + ": " + got);
            }
        });

        Map<String, String> seenIn = new HashMap<>();
        Set<String> batchIds = new TreeSet<>();
        for (UnlearningBatch batch : outcome.batches()) {
            assertTrue(batchIds.add(batch.getBatchId().toString()), "batch written twice: " + batch.getBatchId());
            for (BatchedRequest request : batch.getRequests()) {
                String key = request.getRequestId() + "@" + batch.getModelId();
                String earlier = seenIn.put(key, batch.getBatchId().toString());
                assertEquals(null, earlier, key + " is in " + earlier + " and " + batch.getBatchId());
            }
        }
        assertEquals(batchOf, seenIn, "(request, model) -> batch, from statuses vs from batches");
        Map<String, List<Long>> sequences = outcome.batches().stream().collect(Collectors.groupingBy(
                b -> b.getModelId().toString(), Collectors.mapping(UnlearningBatch::getSequence, Collectors.toList())));
        sequences.forEach((modelId, seq) -> assertEquals(
                LongStream.rangeClosed(1, seq.size()).boxed().toList(), seq.stream().sorted().toList(),
                modelId + " batch sequences"));
        assertEquals(undecodable, outcome.deadLetters(), "dead letters");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
