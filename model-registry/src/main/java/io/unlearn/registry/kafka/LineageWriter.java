package io.unlearn.registry.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.unlearn.registry.ModelRegistryConfig;
import io.unlearn.registry.errors.ModelRegistryException;
import io.unlearn.registry.errors.RegistryUnavailableException;
import io.unlearn.registry.recording.LineageRecorder;
import io.unlearn.registry.recording.Outcome;
import io.unlearn.registry.registration.BaseModelRegistration;
import io.unlearn.registry.state.RegistryState;
import io.unlearn.registry.observability.ModelRegistryMetrics;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.deadletter.DeadLetterHeaders;
import io.unlearn.schemas.errors.SchemaContractException;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.LineageEvent;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.ModelEntry;
import io.unlearn.schemas.v1.VerificationResult;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The only writer of the lineage log: consumes candidates and verifications (consumer group {@code registry.id})
 * and takes base-model registrations from the REST API, and for each one runs a Kafka transaction holding the
 * lineage events, any manifest entries or dead letter, and the consumed offset. So an input's effect and its
 * offset commit together: after a crash the input is either fully recorded or read again, never recorded twice.
 *
 * <p>One input per transaction, and after each commit the writer waits until the {@link StateReader} has folded
 * the new events into the {@link RegistryState}: every decision (is this a duplicate? where does the alias point?
 * which hash does the chain continue from?) is then taken on committed lineage only, through the same code path
 * that rebuilds the state after a restart. Versions arrive minutes apart, so the per-input cost is irrelevant.
 *
 * <p>A verification whose candidate is not recorded yet (the two topics are consumed independently) is retried:
 * its partition is paused briefly and re-read from that record, for at most {@code verification.candidate.wait.ms},
 * after which it goes to the dead-letter topic. Inputs that can never be recorded (undecodable bytes, unknown
 * model or parent) go to the dead-letter topic with {@code __unlearn.errors.*} headers, in the same transaction as
 * their offset.
 */
public final class LineageWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LineageWriter.class);
    private static final Duration DEFER_PAUSE = Duration.ofMillis(300);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    /** A registration handed over by the REST API, completed once its events are committed and in the state. */
    private record Registration(BaseModelRegistration registration, String digest,
                                CompletableFuture<List<LineageEvent>> done) {
    }

    private final ModelRegistryConfig config;
    private final RegistryState state;
    private final StateProgress reader;
    private final LineageRecorder recorder;
    private final MeterRegistry meters;
    private final AvroSerde<LineageEvent> lineageSerde;
    private final AvroSerde<ManifestEntry> manifestSerde;
    private final AvroSerde<ModelEntry> modelSerde;
    private final AvroSerde<CandidateVersion> candidateSerde;
    private final AvroSerde<VerificationResult> verificationSerde;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final ConcurrentLinkedQueue<Registration> registrations = new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();
    private final Map<String, Long> deferredSince = new HashMap<>();
    private final Thread thread;
    private final Timer transactions;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private boolean started;
    private boolean rewound;

    /** A writer with its own transactional producer and consumer (group {@code registry.id}). */
    public LineageWriter(ModelRegistryConfig config, SchemaRegistryClient schemas, RegistryState state,
                         StateProgress reader, LineageRecorder recorder, MeterRegistry meters) {
        this(config, schemas, state, reader, recorder, meters, newConsumer(config), newProducer(config));
    }

    /** A writer on the given clients (tests pass Kafka's MockConsumer and MockProducer). */
    LineageWriter(ModelRegistryConfig config, SchemaRegistryClient schemas, RegistryState state, StateProgress reader,
                  LineageRecorder recorder, MeterRegistry meters, Consumer<byte[], byte[]> consumer,
                  Producer<byte[], byte[]> producer) {
        this.config = config;
        this.state = state;
        this.reader = reader;
        this.recorder = recorder;
        this.meters = meters;
        this.lineageSerde = AvroSerde.forTopic(Topics.LINEAGE, schemas);
        this.manifestSerde = AvroSerde.forTopic(Topics.TRAINING_MANIFEST, schemas);
        this.modelSerde = AvroSerde.forTopic(Topics.MODELS, schemas);
        this.candidateSerde = AvroSerde.forTopic(Topics.CANDIDATES, schemas);
        this.verificationSerde = AvroSerde.forTopic(Topics.VERIFICATIONS, schemas);
        this.transactions = Timer.builder(ModelRegistryMetrics.TRANSACTION_DURATION)
                .description("Time from beginning a lineage transaction to its events being in the state")
                .register(meters);
        this.consumer = consumer;
        this.producer = producer;
        this.thread = new Thread(this::run, "model-registry-lineage-writer");
        this.thread.setDaemon(true);
    }

    private static Consumer<byte[], byte[]> newConsumer(ModelRegistryConfig config) {
        Map<String, Object> props = new HashMap<>(config.consumerOverrides());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.registryId());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, config.registryId() + "-lineage-writer");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Producer<byte[], byte[]> newProducer(ModelRegistryConfig config) {
        Map<String, Object> props = new HashMap<>(config.producerOverrides());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.registryId() + "-lineage-writer");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, config.registryId() + "-lineage-writer");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Registers the transactional id with the broker, fencing any older instance and aborting its open
     * transaction. Call before the state is replayed: an open transaction would hold the replay back.
     */
    public void initTransactions() {
        producer.initTransactions();
    }

    /** Starts consuming candidates and verifications; call once the state has caught up. */
    public void start() {
        consumer.subscribe(List.of(config.candidatesTopic(), config.verificationsTopic()));
        started = true;
        thread.start();
    }

    /**
     * Queues a base-model registration whose artifact is already stored under {@code digest}. The future completes
     * with the appended events once they are committed and visible in the state, or exceptionally
     * ({@link io.unlearn.registry.errors.ModelAlreadyRegisteredException}, {@link RegistryUnavailableException}).
     */
    public CompletableFuture<List<LineageEvent>> register(BaseModelRegistration registration, String digest) {
        CompletableFuture<List<LineageEvent>> done = new CompletableFuture<>();
        if (!running || failure != null) {
            done.completeExceptionally(new RegistryUnavailableException("the lineage writer is stopped"
                    + (failure == null ? "" : ": " + failure)));
            return done;
        }
        // No consumer.wakeup() here: it would also interrupt the writer's other blocking consumer calls; the next
        // poll returns within poll.timeout.ms anyway.
        registrations.add(new Registration(registration, digest, done));
        return done;
    }

    /** Why the writer stopped, or null while it runs. */
    public Throwable failure() {
        return failure;
    }

    private void run() {
        try {
            while (running) {
                drainRegistrations();
                resumeDeferred();
                ConsumerRecords<byte[], byte[]> records = consumer.poll(config.pollTimeout());
                Set<TopicPartition> blocked = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (blocked.contains(tp)) {
                        continue;
                    }
                    if (!handle(record)) {
                        blocked.add(tp); // re-read from this record later; keep partition order
                    }
                    if (rewound) {
                        rewound = false;
                        break; // every partition was sent back to its committed offset; poll again
                    }
                }
            }
        } catch (FatalWriterException e) {
            failure = e.getCause();
            LOG.error("Lineage writer stopped: {}", e.getMessage(), e.getCause());
        } catch (WakeupException e) {
            if (running) {
                failure = e;
            }
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("Lineage writer stopped", e);
        } finally {
            Registration pending;
            while ((pending = registrations.poll()) != null) {
                pending.done().completeExceptionally(new RegistryUnavailableException("the lineage writer stopped"));
            }
            consumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(5));
        }
    }

    private void drainRegistrations() {
        Registration next;
        while ((next = registrations.poll()) != null) {
            Registration r = next;
            try {
                Outcome.Append append = recorder.registerBase(r.registration(), r.digest(), state);
                commit(append.events(), append.manifestEntries(), append.modelEntries(), null, Map.of());
                meters.counter(ModelRegistryMetrics.INPUTS, "input", "registration", "outcome", append.tag())
                        .increment();
                r.done().complete(append.events());
            } catch (FatalWriterException e) {
                r.done().completeExceptionally(new RegistryUnavailableException(e.getMessage(), e.getCause()));
                throw e;
            } catch (ModelRegistryException e) {
                r.done().completeExceptionally(e);
            } catch (RuntimeException e) {
                r.done().completeExceptionally(new RegistryUnavailableException(
                        "cannot record registration of " + r.registration().modelId() + ": " + e, e));
            }
        }
    }

    /** Returns false when the record must be read again later (its partition was rewound). */
    private boolean handle(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(tp, new OffsetAndMetadata(record.offset() + 1));
        boolean candidate = record.topic().equals(config.candidatesTopic());
        String input = candidate ? "candidate" : "verification";
        Outcome outcome;
        Exception cause = null;
        try {
            outcome = candidate
                    ? recorder.recordCandidate(require(candidateSerde.deserialize(record.topic(), record.value())),
                    state)
                    : recorder.recordVerification(
                    require(verificationSerde.deserialize(record.topic(), record.value())), state);
        } catch (SchemaContractException | IllegalArgumentException e) {
            if (e instanceof SchemaContractException s && s.isRetryable()) {
                // Not the record's fault (the schema registry is unreachable): read it again after a pause.
                LOG.warn("Cannot decode {} now, retrying in {} ms: {}", where(record), RETRY_PAUSE.toMillis(),
                        e.getMessage());
                pauseAt(record, RETRY_PAUSE);
                meters.counter(ModelRegistryMetrics.INPUTS, "input", input, "outcome", "retried").increment();
                return false;
            }
            outcome = new Outcome.Rejected(where(record) + " cannot be decoded: " + e.getMessage());
            cause = e;
        }
        String key = where(record);
        if (outcome instanceof Outcome.Deferred deferred) {
            long since = deferredSince.computeIfAbsent(key, k -> System.currentTimeMillis());
            if (System.currentTimeMillis() - since < config.candidateWait().toMillis()) {
                pauseAt(record, DEFER_PAUSE);
                meters.counter(ModelRegistryMetrics.INPUTS, "input", input, "outcome", outcome.tag()).increment();
                return false;
            }
            outcome = new Outcome.Rejected(deferred.reason() + ", and the candidate did not appear within "
                    + config.candidateWait().toMillis() + " ms (" + ModelRegistryConfig.CANDIDATE_WAIT_MS_CONFIG
                    + ")");
        }
        deferredSince.remove(key);
        if (!commitOrRewind(record, outcome, cause, offsets)) {
            return false;
        }
        meters.counter(ModelRegistryMetrics.INPUTS, "input", input, "outcome", outcome.tag()).increment();
        return true;
    }

    private boolean commitOrRewind(ConsumerRecord<byte[], byte[]> record, Outcome outcome, Exception cause,
                                   Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            if (outcome instanceof Outcome.Append append) {
                commit(append.events(), append.manifestEntries(), append.modelEntries(), null, offsets);
            } else if (outcome instanceof Outcome.Rejected rejected) {
                LOG.warn("Dead-lettering {}: {}", where(record), rejected.reason());
                Exception error = cause != null ? cause : new ModelRegistryException(rejected.reason());
                commit(List.of(), List.of(), List.of(), DeadLetterHeaders.deadLetterRecord(config.deadLetterTopic(), record,
                        error), offsets);
            } else {
                LOG.info("Skipping {}: {}", where(record), ((Outcome.Duplicate) outcome).reason());
                commit(List.of(), List.of(), List.of(), null, offsets);
            }
            return true;
        } catch (AbortedException e) {
            LOG.warn("Transaction for {} aborted, will read it again: {}", where(record), e.getMessage());
            rewindToCommitted();
            rewound = true;
            return false;
        }
    }

    /**
     * One transaction: the events, entries and dead letter, plus the offsets; then waits until the state holds
     * the events. Throws {@link AbortedException} after an abort that may be retried, {@link FatalWriterException}
     * when this producer can no longer write (fenced by a newer instance, or unauthorised).
     */
    private void commit(List<LineageEvent> events, List<ManifestEntry> entries, List<ModelEntry> models,
                        ProducerRecord<byte[], byte[]> deadLetter, Map<TopicPartition, OffsetAndMetadata> offsets) {
        Timer.Sample sample = Timer.start(meters);
        List<Future<RecordMetadata>> stateSends = new ArrayList<>();
        try {
            producer.beginTransaction();
            for (LineageEvent event : events) {
                stateSends.add(producer.send(new ProducerRecord<>(config.lineageTopic(), utf8(event.getModelId()),
                        lineageSerde.serialize(config.lineageTopic(), event))));
            }
            for (ManifestEntry entry : entries) {
                // Waited for like the lineage: the next registration merges with these entries.
                stateSends.add(producer.send(new ProducerRecord<>(config.trainingManifestTopic(),
                        utf8(entry.getSubjectId()), manifestSerde.serialize(config.trainingManifestTopic(), entry))));
            }
            for (ModelEntry model : models) {
                producer.send(new ProducerRecord<>(config.modelsTopic(), utf8(model.getModelId()),
                        modelSerde.serialize(config.modelsTopic(), model)));
            }
            if (deadLetter != null) {
                producer.send(deadLetter);
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            }
            producer.commitTransaction();
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            meters.counter(ModelRegistryMetrics.TRANSACTIONS, "outcome", "fatal").increment();
            throw new FatalWriterException("this registry can no longer write the lineage ("
                    + e.getClass().getSimpleName() + "); another instance with registry.id=" + config.registryId()
                    + " may have taken over", e);
        } catch (KafkaException | SchemaContractException e) {
            meters.counter(ModelRegistryMetrics.TRANSACTIONS, "outcome", "aborted").increment();
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailure) {
                throw new FatalWriterException("cannot abort a failed lineage transaction", abortFailure);
            }
            throw new AbortedException(e);
        }
        meters.counter(ModelRegistryMetrics.TRANSACTIONS, "outcome", "committed").increment();
        events.forEach(e -> meters.counter(ModelRegistryMetrics.LINEAGE_EVENTS, "type", e.getType().name())
                .increment());
        Map<TopicPartition, Long> written = new HashMap<>();
        for (Future<RecordMetadata> send : stateSends) {
            RecordMetadata metadata = get(send);
            written.merge(new TopicPartition(metadata.topic(), metadata.partition()), metadata.offset() + 1,
                    Math::max);
        }
        awaitInState(written);
        sample.stop(transactions);
    }

    /**
     * Waits until the reader has folded in what was just committed. A slow reader only delays the writer; a
     * stopped one stops it, because every decision depends on the state being current.
     */
    private void awaitInState(Map<TopicPartition, Long> written) {
        while (true) {
            try {
                reader.awaitApplied(written, Duration.ofSeconds(5));
                return;
            } catch (RegistryUnavailableException e) {
                if (reader.failure() != null || !running) {
                    throw new FatalWriterException("committed lineage is not reaching the state: "
                            + e.getMessage(), e);
                }
                LOG.warn("Committed records {} are not in the state yet; still waiting", written);
            }
        }
    }

    /** Rewinds the record's partition to the record and pauses it, so it is read again after {@code pause}. */
    private void pauseAt(ConsumerRecord<byte[], byte[]> record, Duration pause) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        consumer.seek(tp, record.offset());
        consumer.pause(List.of(tp));
        pausedUntil.put(tp, System.currentTimeMillis() + pause.toMillis());
    }

    private void rewindToCommitted() {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata offset = committed.get(tp);
            if (offset != null) {
                consumer.seek(tp, offset);
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
    }

    private void resumeDeferred() {
        long now = System.currentTimeMillis();
        List<TopicPartition> due = pausedUntil.entrySet().stream().filter(e -> e.getValue() <= now)
                .map(Map.Entry::getKey).toList();
        if (!due.isEmpty()) {
            due.forEach(pausedUntil::remove);
            Set<TopicPartition> assigned = consumer.assignment();
            consumer.resume(due.stream().filter(assigned::contains).toList());
        }
    }

    private static <T> T require(T decoded) {
        if (decoded == null) {
            throw new IllegalArgumentException("the value is null (a tombstone); these topics carry no deletes");
        }
        return decoded;
    }

    private static RecordMetadata get(Future<RecordMetadata> send) {
        try {
            return send.get();
        } catch (ExecutionException e) {
            throw new RegistryUnavailableException("lineage write failed after commit: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted", e);
        }
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        running = false;
        if (!started) {
            consumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(5));
            return;
        }
        consumer.wakeup();
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A transaction was aborted; the input is read again. */
    private static final class AbortedException extends RuntimeException {
        AbortedException(Exception cause) {
            super(cause.toString(), cause);
        }
    }

    /** The writer cannot go on (fenced by a newer instance, unauthorised, or the state stopped following). */
    private static final class FatalWriterException extends RuntimeException {
        FatalWriterException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
