package io.unlearn.kit.processing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.unlearn.schemas.Topics;
import io.unlearn.schemas.deadletter.DeadLetterHeaders;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.testing.InMemorySchemaRegistryClient;
import io.unlearn.schemas.testing.SampleRecords;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The loop on Kafka's in-memory clients; the broker path is covered by the unlearn-worker's ITs. */
class TransactionalTaskLoopTest {

    private static final String IN = "unlearning.batches";
    private static final String OUT = "unlearning.request-status";
    private static final String DEAD = "unlearning.dead-letter";
    private static final TopicPartition P0 = new TopicPartition(IN, 0);
    private static final TopicPartition P1 = new TopicPartition(IN, 1);

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerde<UnlearningBatch> batches = AvroSerde.forTopic(Topics.BATCHES, registry);
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private TransactionalTaskLoop<UnlearningBatch> loop;

    @AfterEach
    void stopTheLoop() {
        if (loop != null) {
            loop.close();
        }
    }

    private void start(TransactionalTaskLoop.Task<UnlearningBatch> task) {
        start(task, TransactionalTaskLoop.Settings.DEFAULT_TASK_TIMEOUT,
                TransactionalTaskLoop.Settings.DEFAULT_RETRY_TIMEOUT);
    }

    private void start(TransactionalTaskLoop.Task<UnlearningBatch> task, Duration taskTimeout,
            Duration retryTimeout) {
        TransactionalTaskLoop.Settings settings = new TransactionalTaskLoop.Settings("test", IN, DEAD,
                Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(5), taskTimeout, retryTimeout);
        loop = new TransactionalTaskLoop<>(consumer, producer, registry, UnlearningBatch.class, settings, task);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0, P1));
            consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        });
        loop.start();
    }

    private void send(TopicPartition tp, long offset, byte[] value) {
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), offset,
                "model-1".getBytes(StandardCharsets.UTF_8), value)));
    }

    private byte[] batch(String batchId) {
        UnlearningBatch b = SampleRecords.unlearningBatch();
        b.setBatchId(batchId);
        return batches.serialize(IN, b);
    }

    private static TaskOutcome statusFor(UnlearningBatch batch) {
        RequestStatus status = SampleRecords.requestStatus();
        status.setBatchId(batch.getBatchId());
        return TaskOutcome.publish(List.of(new Output(OUT, "req-0001", status)));
    }

    private void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + "; loop failure: "
                        + loop.failure().map(Throwable::toString).orElse("none"), loop.failure().orElse(null));
            }
            Thread.sleep(5);
        }
    }

    private List<Map<String, Map<TopicPartition, OffsetAndMetadata>>> offsets() {
        return producer.consumerGroupOffsetsHistory();
    }

    private long committedOffset(TopicPartition tp) {
        return offsets().stream().flatMap(m -> m.values().stream()).flatMap(m -> m.entrySet().stream())
                .filter(e -> e.getKey().equals(tp)).mapToLong(e -> e.getValue().offset()).max().orElse(-1);
    }

    @Test
    void shouldKeepPollingWithThePartitionPausedWhileATaskRunsThenCommitOutputsAndOffsetTogether()
            throws Exception {
        // Given a task that blocks until released
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        start((batch, source) -> {
            entered.countDown();
            release.await();
            return statusFor(batch);
        });

        // When a record arrives and its task is running
        send(P0, 0, batch("b-1"));
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        AtomicInteger pollsWhileRunning = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            consumer.schedulePollTask(pollsWhileRunning::incrementAndGet);
        }
        await(() -> pollsWhileRunning.get() == 3, "the poll thread polled while the task ran");

        // Then its partition is paused and nothing is committed yet
        assertTrue(consumer.paused().contains(P0), consumer.paused().toString());
        assertEquals(0, producer.commitCount());

        // When the task returns
        release.countDown();
        await(() -> producer.commitCount() == 1, "one transaction committed");

        // Then the output and the offset after the record went in that transaction, and the partition resumes
        assertEquals(1, producer.history().size());
        ProducerRecord<byte[], byte[]> out = producer.history().get(0);
        assertEquals(OUT, out.topic());
        assertEquals("b-1", AvroSerde.forTopic(Topics.REQUEST_STATUS, registry).deserialize(OUT, out.value())
                .getBatchId());
        assertEquals(1, committedOffset(P0));
        await(() -> !consumer.paused().contains(P0), "the partition resumed");
        assertEquals(new TransactionalTaskLoop.Stats(1, 0, 0, 0, 0), loop.stats());
    }

    @Test
    void shouldRunTheSameRecordAgainWhenTheTaskSaysRetryLaterAndCommitOnlyOnce() throws Exception {
        // Given a task that is not ready the first two times
        AtomicInteger runs = new AtomicInteger();
        start((batch, source) -> runs.incrementAndGet() < 3
                ? TaskOutcome.retryLater(Duration.ofMillis(20), "waiting for a verdict")
                : statusFor(batch));

        // When one record arrives
        send(P0, 0, batch("b-1"));
        await(() -> producer.commitCount() == 1, "one transaction committed");

        // Then it ran three times and was committed once
        assertEquals(3, runs.get());
        assertEquals(1, producer.history().size());
        assertEquals(1, committedOffset(P0));
        assertEquals(2, loop.stats().retries());
    }

    @Test
    void shouldProcessOtherPartitionsWhileOneWaitsToRetry() throws Exception {
        // Given a task that keeps postponing b-1 but handles b-2
        start((batch, source) -> batch.getBatchId().equals("b-1")
                ? TaskOutcome.retryLater(Duration.ofMillis(30), "not yet")
                : statusFor(batch));

        // When b-1 is on partition 0 and b-2 on partition 1
        send(P0, 0, batch("b-1"));
        send(P1, 0, batch("b-2"));

        // Then b-2 is committed while b-1 waits
        await(() -> committedOffset(P1) == 1, "b-2 committed");
        assertEquals(-1, committedOffset(P0));
        assertTrue(consumer.paused().contains(P0));
    }

    @Test
    void shouldSendUndecodableBytesToTheDeadLetterTopicWithTheOffsetAndCarryOn() throws Exception {
        // Given a loop whose task handles every decodable record
        start((batch, source) -> statusFor(batch));

        // When a record with JSON instead of the Avro wire format arrives, then a good one
        byte[] json = "{\"batchId\":\"b-0\"}".getBytes(StandardCharsets.UTF_8);
        send(P0, 0, json);
        send(P0, 1, batch("b-1"));
        await(() -> producer.commitCount() == 2, "two transactions committed");

        // Then the bad bytes went to the dead-letter topic untouched, labelled, and the good record was processed
        ProducerRecord<byte[], byte[]> letter = producer.history().get(0);
        assertEquals(DEAD, letter.topic());
        assertEquals(new String(json, StandardCharsets.UTF_8), new String(letter.value(), StandardCharsets.UTF_8));
        assertEquals("0", DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.OFFSET));
        assertEquals(OUT, producer.history().get(1).topic());
        assertEquals(2, committedOffset(P0));
        assertEquals(1, loop.stats().deadLettered());
    }

    @Test
    void shouldDeadLetterARecordWhoseTaskThrowsNamingTheException() throws Exception {
        // Given a task that throws on b-1
        start((batch, source) -> {
            if (batch.getBatchId().equals("b-1")) {
                throw new IllegalStateException("bug on " + source);
            }
            return statusFor(batch);
        });

        // When b-1 then b-2 arrive
        send(P0, 0, batch("b-1"));
        send(P0, 1, batch("b-2"));
        await(() -> producer.commitCount() == 2, "two transactions committed");

        // Then b-1 is a dead letter carrying the message, b-2 went through
        ProducerRecord<byte[], byte[]> letter = producer.history().get(0);
        assertEquals(DEAD, letter.topic());
        assertEquals("bug on unlearning.batches-0@0",
                DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.EXCEPTION_MESSAGE));
        assertEquals(OUT, producer.history().get(1).topic());
    }

    /** A task whose {@link TransactionalTaskLoop.Task#onFailure} closes the batch with a FAILED status. */
    private static TransactionalTaskLoop.Task<UnlearningBatch> closingWithFailed(
            TransactionalTaskLoop.Task<UnlearningBatch> run) {
        return new TransactionalTaskLoop.Task<>() {
            @Override
            public TaskOutcome run(UnlearningBatch batch, String source) throws Exception {
                return run.run(batch, source);
            }

            @Override
            public List<Output> onFailure(UnlearningBatch batch, String source, Throwable error) {
                RequestStatus status = SampleRecords.requestStatus();
                status.setBatchId(batch.getBatchId());
                status.setState(RequestState.FAILED);
                status.setReason(error.getMessage());
                return List.of(new Output(OUT, "req-0001", status));
            }
        };
    }

    private RequestStatus statusAt(int index) {
        ProducerRecord<byte[], byte[]> out = producer.history().get(index);
        assertEquals(OUT, out.topic());
        return AvroSerde.forTopic(Topics.REQUEST_STATUS, registry).deserialize(OUT, out.value());
    }

    @Test
    void shouldPublishTheTasksClosingOutputsWithTheDeadLetterOfARecordWhoseTaskThrows() throws Exception {
        // Given a task that throws on b-1 and closes a failed record with a FAILED status
        start(closingWithFailed((batch, source) -> {
            if (batch.getBatchId().equals("b-1")) {
                throw new IllegalStateException("out of memory on " + batch.getBatchId());
            }
            return statusFor(batch);
        }));

        // When b-1 then b-2 arrive
        send(P0, 0, batch("b-1"));
        send(P0, 1, batch("b-2"));
        await(() -> producer.commitCount() == 2, "two transactions committed");

        // Then b-1's FAILED status and its dead letter went in one transaction, and b-2 went through
        assertEquals(3, producer.history().size());
        assertEquals(RequestState.FAILED, statusAt(0).getState());
        assertEquals("out of memory on b-1", statusAt(0).getReason());
        assertEquals(DEAD, producer.history().get(1).topic());
        assertEquals("b-2", statusAt(2).getBatchId());
        assertEquals(2, committedOffset(P0));
    }

    @Test
    void shouldGiveUpOnATaskThatRunsPastItsTimeoutAndRunTheNextRecordOnAFreshThread() throws Exception {
        // Given a task that never returns on b-1 (it ignores interrupts, as native code does)
        CountDownLatch never = new CountDownLatch(1);
        start(closingWithFailed((batch, source) -> {
            if (batch.getBatchId().equals("b-1")) {
                while (never.getCount() > 0) {
                    try {
                        never.await();
                    } catch (InterruptedException ignored) {
                        // like a native call: the interrupt does not stop it
                    }
                }
            }
            return statusFor(batch);
        }), Duration.ofMillis(300), TransactionalTaskLoop.Settings.DEFAULT_RETRY_TIMEOUT);

        // When b-1 then b-2 arrive
        send(P0, 0, batch("b-1"));
        send(P0, 1, batch("b-2"));
        await(() -> producer.commitCount() == 2, "two transactions committed");

        // Then b-1 ended FAILED with the timeout as its reason, and b-2 ran although b-1's thread is still stuck
        assertEquals(RequestState.FAILED, statusAt(0).getState());
        assertTrue(statusAt(0).getReason().contains("ran longer than its timeout"), statusAt(0).getReason());
        assertEquals(DEAD, producer.history().get(1).topic());
        assertEquals("b-2", statusAt(2).getBatchId());
        assertEquals(1, loop.stats().timedOut());
        never.countDown();
    }

    @Test
    void shouldGiveUpOnARecordThatKeepsAskingToBeRetriedPastTheRetryTimeout() throws Exception {
        // Given a task that is never ready for b-1
        start(closingWithFailed((batch, source) -> batch.getBatchId().equals("b-1")
                ? TaskOutcome.retryLater(Duration.ofMillis(20), "waiting for a verdict that never comes")
                : statusFor(batch)), TransactionalTaskLoop.Settings.DEFAULT_TASK_TIMEOUT, Duration.ofMillis(300));

        // When b-1 then b-2 arrive
        send(P0, 0, batch("b-1"));
        send(P0, 1, batch("b-2"));
        await(() -> producer.commitCount() == 2, "two transactions committed");

        // Then b-1 ended FAILED naming what it waited for, after several retries, and b-2 went through
        assertTrue(statusAt(0).getReason().contains("waiting for a verdict that never comes"),
                statusAt(0).getReason());
        assertEquals(DEAD, producer.history().get(1).topic());
        assertEquals("b-2", statusAt(2).getBatchId());
        assertTrue(loop.stats().retries() >= 2, loop.stats().toString());
    }

    @Test
    void shouldGiveAReasonForAnErrorWithoutAMessageAndCapALongOne() {
        assertEquals("java.lang.NullPointerException", TransactionalTaskLoop.reason(new NullPointerException()));
        String reason = TransactionalTaskLoop.reason(new IllegalStateException("x".repeat(2_000)));
        assertEquals("x".repeat(500) + "... (1500 more chars)", reason);
    }

    @Test
    void shouldDropTheUnfinishedTaskOfARevokedPartitionWithoutCommittingIt() throws Exception {
        // Given a task that blocks on b-1
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        start((batch, source) -> {
            entered.countDown();
            release.await();
            return statusFor(batch);
        });
        send(P0, 0, batch("b-1"));
        assertTrue(entered.await(10, TimeUnit.SECONDS));

        // When partition 0 is revoked while the task runs, then the task returns
        CountDownLatch revoked = new CountDownLatch(1);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P1));
            revoked.countDown();
        });
        assertTrue(revoked.await(10, TimeUnit.SECONDS));
        release.countDown();
        Thread.sleep(200);

        // Then nothing was committed: the partition's new owner redoes b-1
        assertEquals(0, producer.commitCount());
        assertTrue(producer.history().isEmpty());
    }

    @Test
    void shouldAbortAFailedTransactionAndCommitTheSameOutputsOnRetry() throws Exception {
        // Given a producer whose first commit fails
        producer.commitTransactionException = new org.apache.kafka.common.errors.TimeoutException("broker slow");
        AtomicInteger runs = new AtomicInteger();
        start((batch, source) -> {
            runs.incrementAndGet();
            return statusFor(batch);
        });

        // When a record is processed
        send(P0, 0, batch("b-1"));
        await(() -> loop.stats().aborted() == 1, "the first transaction aborted");
        producer.commitTransactionException = null;
        await(() -> producer.commitCount() == 1, "the retry committed");

        // Then the task ran once and its outputs were committed once
        assertEquals(1, runs.get());
        assertEquals(1, producer.history().size());
        assertEquals(1, committedOffset(P0));
    }

    @Test
    void shouldLetARunningTaskFinishAndCommitOnClose() throws Exception {
        // Given a task that takes a while
        CountDownLatch entered = new CountDownLatch(1);
        start((batch, source) -> {
            entered.countDown();
            Thread.sleep(300);
            return statusFor(batch);
        });
        send(P0, 0, batch("b-1"));
        assertTrue(entered.await(10, TimeUnit.SECONDS));

        // When the loop is closed mid-task
        loop.close();

        // Then the task's outputs were committed before the clients closed
        assertEquals(1, producer.commitCount());
        assertEquals(1, committedOffset(P0));
        assertTrue(producer.closed());
        assertFalse(loop.isRunning());
    }

    @Test
    void shouldStopAndReportWhenTheProducerIsFenced() throws Exception {
        // Given a producer fenced by another instance with the same transactional id
        start((batch, source) -> statusFor(batch));
        await(producer::transactionInitialized, "transactions initialized");
        producer.fenceProducer();

        // When a record's outputs are committed
        send(P0, 0, batch("b-1"));

        // Then the loop stops and says why
        assertTrue(loop.awaitStopped(Duration.ofSeconds(10)));
        assertInstanceOf(ProducerFencedException.class, loop.failure().orElseThrow());
    }
}
