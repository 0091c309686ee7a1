package io.unlearn.registry.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.unlearn.registry.ModelRegistryConfig;
import io.unlearn.registry.errors.RegistryUnavailableException;
import io.unlearn.registry.state.RegistryState;
import io.unlearn.registry.observability.ModelRegistryMetrics;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.errors.SchemaContractException;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.LineageEvent;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.RequestStatus;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds the lineage, request-status and training-manifest topics into a {@link RegistryState}, from the
 * beginning and then continuously. Start-up replay and normal running are this one loop: a fresh instance simply
 * has more records to read before it is {@linkplain #awaitCaughtUp caught up}.
 *
 * <p>It reads with {@code isolation.level=read_committed} and no consumer group (it assigns every partition and
 * keeps no offsets): the state must hold exactly the committed lineage, which is what the writer decides from.
 */
public final class StateReader implements StateProgress, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StateReader.class);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);

    private final ModelRegistryConfig config;
    private final RegistryState state;
    private final MeterRegistry meters;
    private final AvroSerde<LineageEvent> lineageSerde;
    private final AvroSerde<RequestStatus> statusSerde;
    private final AvroSerde<ManifestEntry> manifestSerde;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;

    private final Object progress = new Object();
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private Map<TopicPartition, Long> startupEnd;
    private volatile boolean running = true;
    private boolean started;
    private volatile Throwable failure;

    public StateReader(ModelRegistryConfig config, SchemaRegistryClient schemas, RegistryState state,
                       MeterRegistry meters) {
        this.config = config;
        this.state = state;
        this.meters = meters;
        this.lineageSerde = AvroSerde.forTopic(Topics.LINEAGE, schemas);
        this.statusSerde = AvroSerde.forTopic(Topics.REQUEST_STATUS, schemas);
        this.manifestSerde = AvroSerde.forTopic(Topics.TRAINING_MANIFEST, schemas);
        Map<String, Object> props = new HashMap<>(config.consumerOverrides());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.registryId() + "-state-reader");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "model-registry-state-reader");
        this.thread.setDaemon(true);
    }

    /** Assigns every partition of the three topics from the beginning and starts folding them in. */
    public void start() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(config.lineageTopic(), config.requestStatusTopic(),
                config.trainingManifestTopic())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, config.startupTimeout());
            if (infos == null || infos.isEmpty()) {
                throw new RegistryUnavailableException("topic " + topic + " has no partitions on "
                        + config.bootstrapServers() + "; was it created?");
            }
            infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        synchronized (progress) {
            startupEnd = consumer.endOffsets(partitions, config.startupTimeout());
            partitions.forEach(tp -> positions.put(tp, 0L));
        }
        LOG.info("Replaying {} partitions up to {}", partitions.size(), startupEnd);
        started = true;
        thread.start();
    }

    /** Blocks until everything committed before {@link #start} has been folded into the state. */
    public void awaitCaughtUp(Duration timeout) {
        Map<TopicPartition, Long> target;
        synchronized (progress) {
            target = new HashMap<>(startupEnd);
        }
        awaitApplied(target, timeout);
        LOG.info("State rebuilt: {} models, {} versions, {} lineage events", state.modelCount(),
                state.versionCount(), state.eventCount());
    }

    @Override
    public void awaitApplied(Map<TopicPartition, Long> offsetsExclusive, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!reached(offsetsExclusive)) {
                if (failure != null) {
                    throw new RegistryUnavailableException("the state reader stopped: " + failure, failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new RegistryUnavailableException("the state did not reach " + offsetsExclusive
                            + " within " + timeout.toMillis() + " ms (at " + positions + ")");
                }
                try {
                    progress.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryUnavailableException("interrupted while waiting for the state", e);
                }
            }
        }
    }

    @Override
    public Throwable failure() {
        return failure;
    }

    private boolean reached(Map<TopicPartition, Long> target) {
        return target.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(config.pollTimeout());
                boolean retry = false;
                for (TopicPartition tp : records.partitions()) {
                    for (ConsumerRecord<String, byte[]> record : records.records(tp)) {
                        if (!apply(record)) {
                            consumer.seek(tp, record.offset()); // read it again; keep the partition's order
                            retry = true;
                            break;
                        }
                    }
                }
                synchronized (progress) {
                    for (TopicPartition tp : consumer.assignment()) {
                        positions.put(tp, consumer.position(tp));
                    }
                    progress.notifyAll();
                }
                if (retry) {
                    Thread.sleep(RETRY_BACKOFF.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (WakeupException e) {
            if (running) {
                failure = e;
            }
        } catch (RuntimeException e) {
            LOG.error("State reader stopped; the registry no longer follows the lineage log", e);
            failure = e;
        } finally {
            synchronized (progress) {
                progress.notifyAll();
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Folds one record in. Returns false when it must be read again: the schema registry is unreachable, which is
     * not the record's fault. A record that can never be folded in (undecodable, or an event the state cannot
     * take) is counted, logged with its position and skipped: the registry only reads these topics, so the
     * dead-letter topic is not its to fill, and one bad record must not stop it following the rest.
     */
    private boolean apply(ConsumerRecord<String, byte[]> record) {
        String topic = record.topic();
        String kind = topic.equals(config.lineageTopic()) ? "lineage"
                : topic.equals(config.requestStatusTopic()) ? "request_status" : "training_manifest";
        try {
            if (kind.equals("lineage")) {
                LineageEvent event = lineageSerde.deserialize(topic, record.value());
                if (event != null) {
                    state.apply(event);
                }
            } else if (kind.equals("request_status")) {
                RequestStatus status = statusSerde.deserialize(topic, record.value());
                if (status != null) {
                    state.apply(status);
                }
            } else if (record.value() == null) {
                state.removeManifestEntry(record.key());
            } else {
                state.apply(manifestSerde.deserialize(topic, record.value()));
            }
            meters.counter(ModelRegistryMetrics.STATE_RECORDS, "topic", kind, "outcome", "applied").increment();
            return true;
        } catch (SchemaContractException e) {
            if (e.isRetryable()) {
                meters.counter(ModelRegistryMetrics.STATE_RECORDS, "topic", kind, "outcome", "retried").increment();
                LOG.warn("Cannot decode {}-{}@{} now, retrying in {} ms: {}", topic, record.partition(),
                        record.offset(), RETRY_BACKOFF.toMillis(), e.getMessage());
                return false;
            }
            meters.counter(ModelRegistryMetrics.STATE_RECORDS, "topic", kind, "outcome", "undecodable").increment();
            LOG.warn("Skipping undecodable record {}-{}@{}: {}", topic, record.partition(), record.offset(),
                    e.getMessage());
            return true;
        } catch (RuntimeException e) {
            meters.counter(ModelRegistryMetrics.STATE_RECORDS, "topic", kind, "outcome", "failed").increment();
            LOG.error("Skipping record {}-{}@{} that the state cannot take", topic, record.partition(),
                    record.offset(), e);
            return true;
        }
    }

    @Override
    public void close() {
        running = false;
        if (!started) {
            consumer.close(Duration.ofSeconds(5)); // the loop never ran, so its finally will not close it
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
