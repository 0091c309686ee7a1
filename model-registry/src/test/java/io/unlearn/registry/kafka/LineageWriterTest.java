package io.unlearn.registry.kafka;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unlearn.registry.ModelRegistryConfig;
import io.unlearn.registry.RegistryFixtures;
import io.unlearn.kit.artifacts.Digests;
import io.unlearn.registry.errors.RegistryUnavailableException;
import io.unlearn.registry.recording.LineageRecorder;
import io.unlearn.registry.state.RegistryState;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.deadletter.DeadLetterHeaders;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.testing.InMemorySchemaRegistryClient;
import io.unlearn.schemas.v1.LineageEvent;
import io.unlearn.schemas.v1.LineageEventType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.unlearn.registry.RegistryFixtures.JSON;
import static io.unlearn.registry.RegistryFixtures.candidate;
import static io.unlearn.registry.RegistryFixtures.registration;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer's transaction discipline on Kafka's MockConsumer and MockProducer: which records and offsets each
 * transaction holds, what an abort leaves behind, and what fencing does. (Deferral needs a consumer that re-reads
 * after a seek, so it is covered by ModelRegistryIT.)
 */
class LineageWriterTest {

    private static final String GROUP = "model-registry";
    private static final TopicPartition CANDIDATES = new TopicPartition(Topics.CANDIDATES.name(), 0);
    private static final TopicPartition VERIFICATIONS = new TopicPartition(Topics.VERIFICATIONS.name(), 0);

    private final InMemorySchemaRegistryClient schemas = new InMemorySchemaRegistryClient();
    private final RegistryState state = new RegistryState(JSON);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private FlakyProducer producer;
    private LineageWriter writer;

    /** A MockProducer whose next {@code failures} commits fail the way a broker hiccup does. */
    private static final class FlakyProducer extends MockProducer<byte[], byte[]> {
        volatile int failures;

        FlakyProducer() {
            super(true, new ToPartitionZero(), new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public void commitTransaction() {
            if (failures > 0) {
                failures--;
                throw new KafkaException("simulated: the transaction coordinator is not available");
            }
            super.commitTransaction();
        }
    }

    /** Every topic here has one partition. */
    public static final class ToPartitionZero implements Partitioner {
        @Override
        public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes,
                             Cluster cluster) {
            return 0;
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }

    /** Folds what the producer committed into the state, as the StateReader does with the topics. */
    private final class CommittedRecordsIntoState implements StateProgress {
        private int applied;

        @Override
        public synchronized void awaitApplied(Map<TopicPartition, Long> offsetsExclusive, Duration timeout) {
            List<ProducerRecord<byte[], byte[]>> committed = producer.history();
            for (; applied < committed.size(); applied++) {
                ProducerRecord<byte[], byte[]> record = committed.get(applied);
                if (record.topic().equals(Topics.LINEAGE.name())) {
                    state.apply(AvroSerde.forTopic(Topics.LINEAGE, schemas).deserialize(record.topic(),
                            record.value()));
                } else if (record.topic().equals(Topics.TRAINING_MANIFEST.name())) {
                    state.apply(AvroSerde.forTopic(Topics.TRAINING_MANIFEST, schemas).deserialize(record.topic(),
                            record.value()));
                }
            }
        }

        @Override
        public Throwable failure() {
            return null;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        producer = new FlakyProducer();
        ModelRegistryConfig config = ModelRegistryConfig.load(Map.of(ModelRegistryConfig.POLL_TIMEOUT_MS_CONFIG, "20",
                ModelRegistryConfig.CANDIDATE_WAIT_MS_CONFIG, "0", ModelRegistryConfig.REGISTRY_ID_CONFIG, GROUP,
                ModelRegistryConfig.HTTP_AUTH_DISABLED_CONFIG, "true"));
        writer = new LineageWriter(config, schemas, state, new CommittedRecordsIntoState(),
                new LineageRecorder(JSON, Clock.fixed(RegistryFixtures.T0, ZoneOffset.UTC)), meters, consumer,
                producer);
        consumer.updateBeginningOffsets(Map.of(CANDIDATES, 0L, VERIFICATIONS, 0L));
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(CANDIDATES, VERIFICATIONS)));
        writer.initTransactions();
        writer.start();
        writer.register(registration("m1", "base weights"), Digests.sha256Hex(new byte[] {1}))
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void tearDown() {
        writer.close();
    }

    private void deliver(TopicPartition tp, long offset, byte[] value) {
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), offset,
                "m1".getBytes(StandardCharsets.UTF_8), value)));
    }

    private byte[] candidateBytes(String versionId) {
        return AvroSerde.forTopic(Topics.CANDIDATES, schemas).serialize(Topics.CANDIDATES.name(),
                candidate("m1", versionId, "base", "m1-0001", Digests.sha256Hex(new byte[] {2}), "r-1"));
    }

    private List<LineageEvent> committedLineage() {
        return producer.history().stream().filter(r -> r.topic().equals(Topics.LINEAGE.name()))
                .map(r -> AvroSerde.forTopic(Topics.LINEAGE, schemas).deserialize(r.topic(), r.value())).toList();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void shouldCommitAnInputsOffsetInTheTransactionThatRecordsIt() throws Exception {
        // When a candidate arrives at offset 0
        deliver(CANDIDATES, 0, candidateBytes("v1"));
        await(() -> state.hasVersion("m1", "v1"), "v1 is recorded");

        // Then there were two transactions (registration, candidate); only the candidate's carried an offset, 1,
        // for the writer's consumer group
        assertEquals(2, producer.commitCount());
        assertEquals(List.of(Map.of(consumer.groupMetadata().groupId(), Map.of(CANDIDATES,
                new OffsetAndMetadata(1)))), producer.consumerGroupOffsetsHistory());
        assertEquals(List.of(LineageEventType.BASE_REGISTERED, LineageEventType.CANDIDATE_RECORDED),
                committedLineage().stream().map(LineageEvent::getType).toList());
    }

    @Test
    void shouldRecordAnInputOnceWhenItsTransactionAbortsAndItIsDeliveredAgain() throws Exception {
        // Given the next commit fails
        producer.failures = 1;

        // When a candidate arrives, its transaction aborts, and the broker delivers it again from the committed offset
        deliver(CANDIDATES, 0, candidateBytes("v1"));
        await(producer::transactionAborted, "the transaction aborted");
        assertTrue(!state.hasVersion("m1", "v1"), "nothing of an aborted transaction reaches the state");
        deliver(CANDIDATES, 0, candidateBytes("v1"));
        await(() -> state.hasVersion("m1", "v1"), "v1 is recorded");

        // Then the candidate was recorded exactly once, linked to the base
        List<LineageEvent> lineage = committedLineage();
        assertEquals(List.of(LineageEventType.BASE_REGISTERED, LineageEventType.CANDIDATE_RECORDED),
                lineage.stream().map(LineageEvent::getType).toList());
        assertEquals(1, lineage.get(1).getSequence());
        // And the meters a dashboard reads say so (get(...) fails on a missing name or tag)
        await(() -> meters.find("unlearn.registry.inputs").tag("input", "candidate").tag("outcome", "recorded")
                .counter() != null, "the recorded input is counted");
        assertEquals(1.0, meters.get("unlearn.registry.inputs").tag("input", "candidate").tag("outcome", "recorded")
                .counter().count());
        assertEquals(1.0, meters.get("unlearn.registry.transactions").tag("outcome", "aborted").counter().count());
        assertTrue(meters.get("unlearn.registry.transactions").tag("outcome", "committed").counter().count() >= 2);
        assertEquals(1.0, meters.get("unlearn.registry.lineage.events").tag("type", "CANDIDATE_RECORDED").counter()
                .count());
        assertTrue(meters.get("unlearn.registry.transaction.duration").timer().count() >= 1);
    }

    @Test
    void shouldDeadLetterUndecodableBytesTogetherWithTheirOffset() throws Exception {
        deliver(CANDIDATES, 0, "{\"versionId\": \"v1\"}".getBytes(StandardCharsets.UTF_8));
        await(() -> producer.commitCount() == 2, "the dead letter is committed");

        ProducerRecord<byte[], byte[]> dead = producer.history().stream()
                .filter(r -> r.topic().equals(Topics.DEAD_LETTER)).findFirst().orElseThrow();
        assertEquals("{\"versionId\": \"v1\"}", new String(dead.value(), StandardCharsets.UTF_8));
        assertEquals(Topics.CANDIDATES.name(), DeadLetterHeaders.text(dead.headers(), DeadLetterHeaders.TOPIC));
        assertTrue(DeadLetterHeaders.text(dead.headers(), DeadLetterHeaders.EXCEPTION_MESSAGE)
                .contains("not magic byte 0x0"));
        assertEquals(List.of(Map.of(consumer.groupMetadata().groupId(), Map.of(CANDIDATES,
                new OffsetAndMetadata(1)))), producer.consumerGroupOffsetsHistory());
    }

    @Test
    void shouldDeadLetterAVerificationWhoseCandidateNeverAppears() throws Exception {
        // Given verification.candidate.wait.ms=0 (setUp), a verdict on a version that was never recorded
        deliver(VERIFICATIONS, 0, AvroSerde.forTopic(Topics.VERIFICATIONS, schemas).serialize(
                Topics.VERIFICATIONS.name(), RegistryFixtures.verification("m1", "v9", "m1-0009",
                        io.unlearn.schemas.v1.Verdict.PASSED, "r-1")));
        await(() -> producer.commitCount() == 2, "the dead letter is committed");

        ProducerRecord<byte[], byte[]> dead = producer.history().get(producer.history().size() - 1);
        assertEquals(Topics.DEAD_LETTER, dead.topic());
        assertTrue(DeadLetterHeaders.text(dead.headers(), DeadLetterHeaders.EXCEPTION_MESSAGE)
                .startsWith("verification of m1/v9 arrived before its candidate was recorded, and the candidate did"
                        + " not appear within 0 ms"));
    }

    @Test
    void shouldStopAndRefuseRegistrationsOnceANewerInstanceFencedIt() throws Exception {
        // Given another registry with the same registry.id took over
        producer.fenceProducer();

        // When the next input arrives
        deliver(CANDIDATES, 0, candidateBytes("v1"));
        await(() -> writer.failure() != null, "the writer stops");

        // Then the writer reports why, appends nothing more, and turns registrations away
        assertInstanceOf(ProducerFencedException.class, writer.failure());
        assertEquals(1, committedLineage().size());
        ExecutionException refused = assertThrows(ExecutionException.class, () -> writer.register(
                registration("m2", "w"), Digests.sha256Hex(new byte[] {3})).get(5, TimeUnit.SECONDS));
        assertInstanceOf(RegistryUnavailableException.class, refused.getCause());
    }
}
