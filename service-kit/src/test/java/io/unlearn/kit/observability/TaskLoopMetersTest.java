package io.unlearn.kit.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unlearn.kit.processing.TaskOutcome;
import io.unlearn.kit.processing.TransactionalTaskLoop;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.testing.InMemorySchemaRegistryClient;
import io.unlearn.schemas.testing.SampleRecords;
import io.unlearn.schemas.v1.UnlearningBatch;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The loop's counters on Kafka's in-memory clients, across garbage collections. */
class TaskLoopMetersTest {

    private static final String IN = "unlearning.batches";
    private static final TopicPartition P0 = new TopicPartition(IN, 0);

    private final InMemorySchemaRegistryClient schemas = new InMemorySchemaRegistryClient();
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TransactionalTaskLoop<UnlearningBatch> loop;

    @AfterEach
    void stopTheLoop() {
        if (loop != null) {
            loop.close();
        }
    }

    @Test
    void shouldStillCountAfterGarbageCollectionsWhenOnlyTheServiceHoldsTheLoop() throws Exception {
        // Given a running loop (held, as a service holds it, in a field) whose counters are registered, and no
        // other reference to anything the registration made
        loop = new TransactionalTaskLoop<>(consumer, producer, schemas, UnlearningBatch.class,
                new TransactionalTaskLoop.Settings("test", IN, "unlearning.dead-letter", Duration.ofMillis(10),
                        Duration.ofMillis(20), Duration.ofSeconds(5)),
                (batch, source) -> TaskOutcome.publish(List.of()));
        TaskLoopMeters.bind(meters, MeterPrefix.WORKER, loop);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
        });
        loop.start();
        collectGarbage();

        // When, after the collections, one record is committed and one undecodable record is dead-lettered
        send(0, AvroSerde.forTopic(Topics.BATCHES, schemas).serialize(IN, SampleRecords.unlearningBatch()));
        send(1, "{\"batchId\":\"b-0\"}".getBytes(StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (producer.commitCount() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        collectGarbage();

        // Then the meters read the loop's counts, not NaN
        assertEquals(new TransactionalTaskLoop.Stats(1, 0, 1, 0, 0), loop.stats());
        assertEquals(1.0, meters.get("unlearn.worker.loop.committed").functionCounter().count());
        assertEquals(1.0, meters.get("unlearn.worker.loop.dead.letters").functionCounter().count());
        assertEquals(0.0, meters.get("unlearn.worker.loop.retries").functionCounter().count());
        assertEquals(0.0, meters.get("unlearn.worker.loop.aborted").functionCounter().count());
    }

    private void send(long offset, byte[] value) {
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(IN, 0, offset,
                "model-1".getBytes(StandardCharsets.UTF_8), value)));
    }

    /** Collects until a weakly held sentinel is gone, so weak references have been cleared for certain. */
    private static void collectGarbage() throws InterruptedException {
        WeakReference<Object> sentinel = new WeakReference<>(new Object());
        for (int i = 0; i < 20 && sentinel.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        System.gc();
        assertNull(sentinel.get(), "the JVM did not collect garbage on System.gc()");
    }
}
