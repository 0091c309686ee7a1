package io.unlearn.kit.processing;

import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.deadletter.DeadLetterHeaders;
import io.unlearn.schemas.errors.SchemaContractException;
import io.unlearn.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer loop for records whose processing takes long (training for minutes), exactly once: one consumer
 * ({@code read_committed}, manual commits) and one transactional producer.
 *
 * <p>How a record flows:
 * <ol>
 *   <li>the poll thread decodes it (bad bytes go to the dead-letter topic, with the offset, in one transaction);</li>
 *   <li>the {@link Task} runs on a separate thread; meanwhile the poll thread keeps polling with the record's
 *       partition paused, so the group never sees this member as dead, however long the task takes
 *       ({@code max.poll.interval.ms} counts time between polls, not task time);</li>
 *   <li>the task returns a {@link TaskOutcome}: {@link TaskOutcome#publish publish} its outputs, which the poll
 *       thread sends together with the record's offset in ONE transaction, or
 *       {@link TaskOutcome#retryLater retryLater}, which runs the task on the same record again after the delay
 *       (other partitions carry on).</li>
 * </ol>
 * Partitions are processed one record at a time, in offset order; one task runs at a time per loop (tasks are
 * CPU- or GPU-bound; run more instances to go wider).
 *
 * <p>Failures: nothing is committed that was not published. A task that throws is a bug or a poison record: the
 * record goes to the dead-letter topic with the exception, together with what {@link Task#onFailure} says closes
 * its work (e.g. a FAILED status for every request it carries, so none waits forever), so one bad record never
 * blocks a partition; a task should therefore turn passing trouble (a service down) into {@code retryLater}. The
 * same happens to a task that runs longer than {@link Settings#taskTimeout()} (it is interrupted and its thread
 * abandoned: a task stuck in native code cannot be stopped from Java) and to a record still asking to be retried
 * {@link Settings#retryTimeout()} after its first try. A transaction that fails
 * (broker trouble, rebalance) is aborted and retried with the same outputs after {@link Settings#retryBackoff()}.
 * When a partition is revoked, its unfinished work is dropped and redone by the new owner, so tasks must be
 * deterministic (same input and state, same outputs). A fenced producer or an {@link Error} stops the loop:
 * {@link #failure()} says why.
 *
 * <p>Lifecycle: construct, {@link #start()}, then {@link #close()} from any thread (a shutdown hook): a running
 * task may finish and commit within {@link Settings#shutdownTimeout()}; otherwise it is abandoned and redone on
 * the next start. The loop closes the consumer and producer it was given.
 *
 * <pre>{@code
 * Map<String, Object> common = Map.of("bootstrap.servers", "localhost:9092");
 * TransactionalTaskLoop<UnlearningBatch> loop = new TransactionalTaskLoop<>(
 *         new KafkaConsumer<>(TransactionalTaskLoop.consumerConfig(common, "unlearn-worker", "unlearn-worker.host-1")),
 *         new KafkaProducer<>(TransactionalTaskLoop.producerConfig(common, "unlearn-worker-" + host)),
 *         registry, UnlearningBatch.class,
 *         TransactionalTaskLoop.Settings.of("unlearn-worker", "unlearning.batches", "unlearning.dead-letter"),
 *         (batch, source) -> TaskOutcome.publish(List.of(new Output("unlearning.candidates", id, candidate))));
 * loop.start();
 * }</pre>
 *
 * @param <V> the input records' Avro type
 */
public final class TransactionalTaskLoop<V extends SpecificRecord> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionalTaskLoop.class);

    /**
     * The work done for one input record, on the loop's task thread.
     *
     * @param <V> the input type
     */
    @FunctionalInterface
    public interface Task<V> {
        /**
         * Processes one record. Must be deterministic enough that running it twice on the same record (after a
         * crash or rebalance) yields the same outputs; must not publish anything itself.
         *
         * @param value the decoded record value
         * @param source where it came from, {@code topic-partition@offset}, for logs and error messages
         * @return publish outputs, or retry later
         * @throws Exception on a bug or a poison record: the record goes to the dead-letter topic
         */
        TaskOutcome run(V value, String source) throws Exception;

        /**
         * The outputs that close a record's work when the loop gives up on it: its task threw, ran longer than
         * {@link Settings#taskTimeout()}, or kept asking to be retried for {@link Settings#retryTimeout()}. They
         * are published with the record's dead letter in one transaction. Runs on the poll thread: must be quick
         * and must not throw (if it does, only the dead letter is published).
         *
         * @param value the decoded record value
         * @param source where it came from, for reasons and logs
         * @param error why the loop gave up
         * @return e.g. a FAILED status for every request the record carries; none by default
         */
        default List<Output> onFailure(V value, String source, Throwable error) {
            return List.of();
        }
    }

    /** Longest cause {@link #reason} gives: it goes into one status per request, each a Kafka record. */
    private static final int MAX_REASON_CHARS = 500;

    /**
     * Why the loop gave up, for a status reason: the error's message (its type when it has none, as a
     * NullPointerException may), at most {@value #MAX_REASON_CHARS} characters.
     *
     * @param error what {@link Task#onFailure} was given
     * @return a readable cause
     */
    public static String reason(Throwable error) {
        String text = error.getMessage() == null || error.getMessage().isBlank() ? error.toString()
                : error.getMessage();
        return text.length() <= MAX_REASON_CHARS ? text
                : text.substring(0, MAX_REASON_CHARS) + "... (" + (text.length() - MAX_REASON_CHARS) + " more chars)";
    }

    /** Why the loop gave up on a record that was not the task's own exception. */
    public static final class GaveUpException extends Exception {
        GaveUpException(String message) {
            super(message);
        }
    }

    /**
     * How the loop runs.
     *
     * @param name names the threads and log lines, e.g. {@code unlearn-worker}
     * @param inputTopic the topic to consume
     * @param deadLetterTopic where undecodable records and records whose task threw go
     * @param pollTimeout how long one poll blocks; also the latency of noticing a finished task
     * @param retryBackoff wait before retrying after a retryable decode failure or a failed transaction
     * @param shutdownTimeout how long {@link #close()} lets a running task finish and commit
     * @param taskTimeout the longest one task may run before the loop gives up on its record
     * @param retryTimeout how long after its first try a record may keep asking to be retried before the loop
     *     gives up on it (counted in this process: a restart starts the count again)
     */
    public record Settings(String name, String inputTopic, String deadLetterTopic, Duration pollTimeout,
            Duration retryBackoff, Duration shutdownTimeout, Duration taskTimeout, Duration retryTimeout) {

        /** When not set: long enough for any unlearning task on this project's models, short of "forever". */
        public static final Duration DEFAULT_TASK_TIMEOUT = Duration.ofHours(2);
        /** When not set: outlasts a dependency's restart or a long verification of the previous candidate. */
        public static final Duration DEFAULT_RETRY_TIMEOUT = Duration.ofHours(6);

        /** Checks that nothing is null and the timeouts are positive. */
        public Settings {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(inputTopic, "inputTopic");
            Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
            Objects.requireNonNull(pollTimeout, "pollTimeout");
            Objects.requireNonNull(retryBackoff, "retryBackoff");
            Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
            if (taskTimeout.isNegative() || taskTimeout.isZero() || retryTimeout.isNegative()
                    || retryTimeout.isZero()) {
                throw new IllegalArgumentException("taskTimeout and retryTimeout must be positive: " + taskTimeout
                        + ", " + retryTimeout);
            }
        }

        /** With the default task and retry timeouts. */
        public Settings(String name, String inputTopic, String deadLetterTopic, Duration pollTimeout,
                Duration retryBackoff, Duration shutdownTimeout) {
            this(name, inputTopic, deadLetterTopic, pollTimeout, retryBackoff, shutdownTimeout,
                    DEFAULT_TASK_TIMEOUT, DEFAULT_RETRY_TIMEOUT);
        }

        /**
         * Defaults: poll 200 ms, retry backoff 5 s, shutdown timeout 30 s.
         *
         * @param name names the threads and logs
         * @param inputTopic the topic to consume
         * @param deadLetterTopic the dead-letter topic
         * @return the settings
         */
        public static Settings of(String name, String inputTopic, String deadLetterTopic) {
            return new Settings(name, inputTopic, deadLetterTopic, Duration.ofMillis(200), Duration.ofSeconds(5),
                    Duration.ofSeconds(30));
        }

        /**
         * @param backoff the new retry backoff
         * @return a copy with it
         */
        public Settings withRetryBackoff(Duration backoff) {
            return new Settings(name, inputTopic, deadLetterTopic, pollTimeout, backoff, shutdownTimeout,
                    taskTimeout, retryTimeout);
        }

        /**
         * @param timeout the new shutdown timeout
         * @return a copy with it
         */
        public Settings withShutdownTimeout(Duration timeout) {
            return new Settings(name, inputTopic, deadLetterTopic, pollTimeout, retryBackoff, timeout, taskTimeout,
                    retryTimeout);
        }

        /**
         * @param task the new task timeout
         * @param retry the new retry timeout
         * @return a copy with them
         */
        public Settings withTimeouts(Duration task, Duration retry) {
            return new Settings(name, inputTopic, deadLetterTopic, pollTimeout, retryBackoff, shutdownTimeout, task,
                    retry);
        }
    }

    /**
     * Counters since start, for metrics.
     *
     * @param committed records committed with their outputs (dead letters not included)
     * @param retries task or commit retries scheduled
     * @param deadLettered records sent to the dead-letter topic
     * @param aborted transactions aborted
     * @param timedOut tasks given up after {@link Settings#taskTimeout()} (their threads abandoned)
     */
    public record Stats(long committed, long retries, long deadLettered, long aborted, long timedOut) {
    }

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final SchemaRegistryClient registry;
    private final AvroSerde<V> inputSerde;
    private final Settings settings;
    private final Task<V> task;
    private final Map<Class<?>, AvroSerde<SpecificRecord>> outputSerdes = new ConcurrentHashMap<>();
    private ExecutorService taskThread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong aborted = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();

    // Poll-thread state: records fetched but not yet committed, per partition in offset order; when each
    // partition may be tried next; outputs computed for a partition's head record but not yet committed.
    private final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> pending = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> notBefore = new HashMap<>();
    private final Map<TopicPartition, Ready> ready = new HashMap<>();
    private final Map<TopicPartition, Long> retryingSince = new HashMap<>();
    private Running running;
    private Long closeDeadline;

    private volatile boolean closing;
    private volatile boolean started;
    private volatile Throwable failure;
    private volatile long lastTurnNanos = System.nanoTime();

    /** Outputs computed for a partition's head record, kept until committed so a failed commit reruns nothing. */
    private record Ready(List<ProducerRecord<byte[], byte[]>> records, boolean deadLetter) {
    }

    private record Running(TopicPartition partition, ConsumerRecord<byte[], byte[]> record, SpecificRecord value,
            Future<TaskOutcome> future, long startNanos) {
    }

    /**
     * Creates a loop; nothing happens until {@link #start()}.
     *
     * @param consumer configured as {@link #consumerConfig} does (byte arrays, read_committed, manual commits)
     * @param producer configured as {@link #producerConfig} does (byte arrays, a transactional id)
     * @param registry the schema registry the input and output serdes use
     * @param inputType the input records' generated Avro class
     * @param settings topics and timings
     * @param task the work per record
     */
    public TransactionalTaskLoop(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer,
            SchemaRegistryClient registry, Class<V> inputType, Settings settings, Task<V> task) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.inputSerde = new AvroSerde<>(inputType, registry);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.task = Objects.requireNonNull(task, "task");
        this.taskThread = newTaskThread();
    }

    private ExecutorService newTaskThread() {
        return Executors.newSingleThreadExecutor(r -> {
            // Daemon: a task stuck in native code must not keep the JVM alive after shutdown.
            Thread t = new Thread(r, settings.name() + "-task");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The consumer settings the loop needs, on top of the caller's: byte-array deserializers, the group, a static
     * group membership ({@code group.instance.id}; a restarted instance takes its partitions back at once instead of
     * after the killed one's {@code session.timeout.ms}, 45 s by default; on {@link #close()} it leaves the group),
     * {@code isolation.level=read_committed} (never act on an aborted output of an upstream service) and
     * {@code enable.auto.commit=false} (offsets are committed only inside the output transaction). These
     * override any value the caller passed for the same keys.
     *
     * @param common e.g. {@code bootstrap.servers} and pass-through {@code consumer.*} settings without prefix
     * @param groupId the consumer group
     * @param instanceId this instance within the group: unique per running instance and stable across its restarts,
     *     like the transactional id
     * @return the configuration for a {@code KafkaConsumer<byte[], byte[]>}
     */
    public static Map<String, Object> consumerConfig(Map<String, Object> common, String groupId, String instanceId) {
        Map<String, Object> config = new HashMap<>(common);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

    /**
     * The producer settings the loop needs, on top of the caller's: byte-array serializers and a transactional id.
     *
     * @param common e.g. {@code bootstrap.servers}
     * @param transactionalId unique per running instance and stable across its restarts, so a restarted
     *     instance aborts what its killed predecessor left open instead of waiting for the transaction timeout
     * @return the configuration for a {@code KafkaProducer<byte[], byte[]>}
     */
    public static Map<String, Object> producerConfig(Map<String, Object> common, String transactionalId) {
        Map<String, Object> config = new HashMap<>(common);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return config;
    }

    /** Starts the poll thread (non-daemon, named after {@link Settings#name()}). Call once. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException(settings.name() + ": the loop is already started");
        }
        started = true;
        Thread poller = new Thread(this::run, settings.name() + "-poll");
        poller.start();
    }

    /** @return true from {@link #start()} until the loop has stopped */
    public boolean isRunning() {
        return started && stopped.getCount() > 0;
    }

    /** @return why the loop stopped on its own, if it did */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** @return the counters since start */
    public Stats stats() {
        return new Stats(committed.get(), retries.get(), deadLettered.get(), aborted.get(), timedOut.get());
    }

    /**
     * For {@code /health}: why the loop is not making progress, if it is not. The poll thread turns at least every
     * {@link Settings#pollTimeout()} while it runs; a turn that has not come for a minute more than that means it
     * is blocked (a broker call that does not return, a commit that hangs).
     *
     * @return the problem, or empty while the loop turns
     */
    public Optional<String> stuck() {
        if (!isRunning()) {
            return Optional.empty();
        }
        long since = System.nanoTime() - lastTurnNanos;
        long limit = settings.pollTimeout().plusMinutes(1).toNanos();
        return since > limit ? Optional.of(settings.name() + ": the poll thread has not turned for "
                + TimeUnit.NANOSECONDS.toSeconds(since) + " s") : Optional.empty();
    }

    /**
     * Waits until the loop has stopped (after {@link #close()} or a failure).
     *
     * @param timeout the longest wait
     * @return true if it stopped
     * @throws InterruptedException if interrupted
     */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Stops gracefully: lets a running task finish and commit within {@link Settings#shutdownTimeout()}, then
     * closes the consumer and producer. Blocks until stopped.
     */
    @Override
    public void close() {
        closing = true;
        if (!started) {
            closeClients();
            taskThread.shutdownNow();
            stopped.countDown();
            return;
        }
        try {
            if (!stopped.await(settings.shutdownTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
                LOG.warn("{}: the loop did not stop in time", settings.name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            producer.initTransactions();
            consumer.subscribe(List.of(settings.inputTopic()), new Rebalance());
            LOG.info("{}: consuming {}", settings.name(), settings.inputTopic());
            while (true) {
                lastTurnNanos = System.nanoTime();
                if (closing && closeDeadline == null) {
                    closeDeadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
                }
                if (closing && (running == null || System.nanoTime() > closeDeadline)) {
                    if (running != null) {
                        LOG.warn("{}: stopping with {} unfinished; it is redone on the next start", settings.name(),
                                source(running.record()));
                    }
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(settings.pollTimeout())) {
                    pending.computeIfAbsent(new TopicPartition(record.topic(), record.partition()),
                            tp -> new ArrayDeque<>()).add(record);
                }
                if (running != null && running.future().isDone()) {
                    finish(running);
                } else if (running != null
                        && System.nanoTime() - running.startNanos() > settings.taskTimeout().toNanos()) {
                    timeOut(running);
                }
                if (running == null && !closing) {
                    startNext();
                }
                pauseBusyPartitions();
            }
        } catch (Throwable e) {
            failure = e;
            LOG.error("{}: the loop stopped: {}", settings.name(), e.toString(), e);
        } finally {
            taskThread.shutdownNow();
            closeClients();
            stopped.countDown();
            LOG.info("{}: stopped", settings.name());
        }
    }

    /** Fetch no more from a partition that still holds uncommitted records: bounds memory and keeps order. */
    private void pauseBusyPartitions() {
        Set<TopicPartition> assigned = consumer.assignment();
        Set<TopicPartition> busy = new HashSet<>();
        Set<TopicPartition> idle = new HashSet<>();
        for (TopicPartition tp : assigned) {
            ArrayDeque<ConsumerRecord<byte[], byte[]>> queue = pending.get(tp);
            (queue != null && !queue.isEmpty() ? busy : idle).add(tp);
        }
        consumer.pause(busy);
        consumer.resume(idle);
    }

    private void startNext() {
        long now = System.nanoTime();
        for (Map.Entry<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> e : List.copyOf(
                pending.entrySet())) {
            TopicPartition tp = e.getKey();
            ConsumerRecord<byte[], byte[]> head = e.getValue().peek();
            Long wait = notBefore.get(tp);
            if (head == null || (wait != null && wait - now > 0)) {
                continue;
            }
            // Round robin: a partition that had its turn goes to the back.
            pending.remove(tp);
            pending.put(tp, e.getValue());
            Ready computed = ready.get(tp);
            if (computed != null) {
                commit(tp, head, computed);
                return;
            }
            V value;
            try {
                value = decode(head);
            } catch (SchemaContractException ex) {
                if (ex.isRetryable()) {
                    retryLater(tp, settings.retryBackoff(), "cannot decode yet: " + ex.getMessage());
                } else {
                    deadLetter(tp, head, ex);
                }
                return;
            }
            String source = source(head);
            running = new Running(tp, head, value, taskThread.submit(() -> task.run(value, source)),
                    System.nanoTime());
            return;
        }
    }

    private V decode(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            throw new SchemaContractException(source(record) + ": the value is null (a tombstone); this topic carries"
                    + " no deletes");
        }
        return inputSerde.deserialize(record.topic(), record.value());
    }

    private void finish(Running done) {
        running = null;
        TopicPartition tp = done.partition();
        double seconds = (System.nanoTime() - done.startNanos()) / 1e9;
        TaskOutcome outcome;
        try {
            outcome = done.future().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            LOG.error("{}: the task failed on {} after {} s", settings.name(), source(done.record()),
                    String.format("%.1f", seconds), e.getCause());
            giveUp(tp, done.record(), done.value(), e.getCause());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading a finished task's result", e);
        }
        if (outcome instanceof TaskOutcome.RetryLater later) {
            long since = retryingSince.computeIfAbsent(tp, k -> done.startNanos());
            if (System.nanoTime() - since > settings.retryTimeout().toNanos()) {
                giveUp(tp, done.record(), done.value(), new GaveUpException("still waiting after "
                        + settings.retryTimeout().toMinutes() + " min of retries (" + later.why() + ")"));
            } else {
                retryLater(tp, later.delay(), later.why());
            }
            return;
        }
        List<ProducerRecord<byte[], byte[]>> records;
        try {
            records = serialize(((TaskOutcome.Publish) outcome).outputs());
        } catch (SchemaContractException e) {
            if (e.isRetryable()) {
                // Re-running the task is the simplest correct retry; its outputs are deterministic.
                retryLater(tp, settings.retryBackoff(), "cannot encode the outputs yet: " + e.getMessage());
            } else {
                giveUp(tp, done.record(), done.value(), e);
            }
            return;
        }
        LOG.debug("{}: task on {} done in {} s", settings.name(), source(done.record()),
                String.format("%.1f", seconds));
        Ready outputs = new Ready(records, false);
        ready.put(tp, outputs);
        commit(tp, done.record(), outputs);
    }

    private List<ProducerRecord<byte[], byte[]>> serialize(List<Output> outputs) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(outputs.size());
        for (Output o : outputs) {
            AvroSerde<SpecificRecord> serde = outputSerdes.computeIfAbsent(o.value().getClass(), this::serdeFor);
            records.add(new ProducerRecord<>(o.topic(), o.key().getBytes(StandardCharsets.UTF_8),
                    serde.serialize(o.topic(), o.value())));
        }
        return records;
    }

    @SuppressWarnings("unchecked")
    private AvroSerde<SpecificRecord> serdeFor(Class<?> type) {
        return new AvroSerde<>((Class<SpecificRecord>) type, registry);
    }

    /** The task ran past its timeout: interrupt it, abandon its thread, give up on its record. */
    private void timeOut(Running stuck) {
        running = null;
        timedOut.incrementAndGet();
        stuck.future().cancel(true);
        // A task in native code ignores the interrupt; the next task gets a fresh thread instead of queueing behind.
        taskThread.shutdownNow();
        taskThread = newTaskThread();
        LOG.error("{}: the task on {} ran longer than {} and is abandoned", settings.name(), source(stuck.record()),
                settings.taskTimeout());
        giveUp(stuck.partition(), stuck.record(), stuck.value(), new GaveUpException("the task ran longer than its"
                + " timeout of " + settings.taskTimeout().toMinutes() + " min and was stopped"));
    }

    /** Dead-letters a decoded record together with the outputs that close its work. */
    @SuppressWarnings("unchecked")
    private void giveUp(TopicPartition tp, ConsumerRecord<byte[], byte[]> record, SpecificRecord value,
            Throwable error) {
        List<ProducerRecord<byte[], byte[]>> closing = List.of();
        try {
            closing = serialize(task.onFailure((V) value, source(record), error));
        } catch (RuntimeException e) {
            LOG.error("{}: cannot build the outputs that close {}; only its dead letter is published",
                    settings.name(), source(record), e);
        }
        deadLetter(tp, record, error, closing);
    }

    private void deadLetter(TopicPartition tp, ConsumerRecord<byte[], byte[]> record, Throwable error) {
        deadLetter(tp, record, error, List.of());
    }

    private void deadLetter(TopicPartition tp, ConsumerRecord<byte[], byte[]> record, Throwable error,
            List<ProducerRecord<byte[], byte[]>> closing) {
        LOG.warn("{}: {} goes to {}: {}", settings.name(), source(record), settings.deadLetterTopic(),
                error.toString());
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(closing);
        records.add(DeadLetterHeaders.deadLetterRecord(settings.deadLetterTopic(), record, error));
        Ready letter = new Ready(records, true);
        ready.put(tp, letter);
        commit(tp, record, letter);
    }

    /** Sends the outputs and the offset after {@code record} in one transaction; on failure, retries later. */
    private void commit(TopicPartition tp, ConsumerRecord<byte[], byte[]> record, Ready outputs) {
        try {
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> r : outputs.records()) {
                producer.send(r);
            }
            producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(record.offset() + 1)),
                    consumer.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException
                | UnsupportedVersionException e) {
            // Another instance with our transactional id took over, or the cluster refuses us: stop.
            throw e;
        } catch (KafkaException e) {
            aborted.incrementAndGet();
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailure) {
                e.addSuppressed(abortFailure);
                throw e;
            }
            retryLater(tp, settings.retryBackoff(), "transaction aborted: " + e);
            return;
        }
        ready.remove(tp);
        notBefore.remove(tp);
        retryingSince.remove(tp);
        ArrayDeque<ConsumerRecord<byte[], byte[]>> queue = pending.get(tp);
        if (queue != null && queue.peek() == record) {
            queue.poll();
        }
        (outputs.deadLetter() ? deadLettered : committed).incrementAndGet();
    }

    private void retryLater(TopicPartition tp, Duration delay, String why) {
        retries.incrementAndGet();
        notBefore.put(tp, System.nanoTime() + delay.toNanos());
        ConsumerRecord<byte[], byte[]> head = pending.containsKey(tp) ? pending.get(tp).peek() : null;
        LOG.info("{}: {} again in {} ms: {}", settings.name(), head == null ? tp : source(head), delay.toMillis(),
                why);
    }

    private static String source(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private void closeClients() {
        try {
            // a static member stays in the group when it closes unless told otherwise: hand the partitions over now
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the consumer failed: {}", settings.name(), e.toString());
        }
        try {
            producer.close();
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the producer failed: {}", settings.name(), e.toString());
        }
    }

    /** Drops the state of partitions this member no longer owns; their new owner redoes the uncommitted work. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            forget(partitions, "revoked");
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions, "lost");
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                LOG.info("{}: assigned {}", settings.name(), partitions);
            }
        }

        private void forget(Collection<TopicPartition> partitions, String how) {
            for (TopicPartition tp : partitions) {
                pending.remove(tp);
                notBefore.remove(tp);
                ready.remove(tp);
                retryingSince.remove(tp);
            }
            if (running != null && partitions.contains(running.partition())) {
                LOG.info("{}: {} {} while its task ran; the new owner redoes it", settings.name(),
                        running.partition(), how);
                running.future().cancel(true);
                running = null;
            }
        }
    }
}
