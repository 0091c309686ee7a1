package io.unlearn.streamprocessor;

import io.unlearn.kit.config.ClientSecurity;
import io.unlearn.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import io.unlearn.streamprocessor.internals.DeadLetterProductionExceptionHandler;
import io.unlearn.streamprocessor.internals.RequestBundle;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The stream-processor's configuration: every key with its type, default, validator and documentation.
 *
 * <p>Defaults run the service on one machine (broker on {@code localhost:9092}, registry on {@code localhost:8081},
 * replication factor 1, state under the temp dir). Values are converted once, here: callers get {@link Duration}s,
 * {@link Path}s and sets. Build it with {@link #from(Map)}, which checks every key and every cross-key rule
 * and reports all problems in one exception.
 *
 * <p>Kafka client settings pass through with a prefix: {@code streams.*} goes to {@link StreamsConfig} without the
 * prefix, {@code consumer.*} and {@code producer.*} go to Streams' embedded clients unchanged.
 * The shared security settings ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, see
 * {@link ClientSecurity}) go to every client unprefixed. {@code processing.guarantee} is forced to {@code exactly_once_v2} and cannot be switched back. The producer's
 * {@code batch.size} defaults to 256 KB rather than 16 KB (see {@link #streamsProperties()}).
 */
public final class StreamProcessorConfig extends AbstractConfig {

    public static final String APPLICATION_ID_CONFIG = "application.id";
    private static final String APPLICATION_ID_DOC = "Kafka Streams application id: consumer group, prefix of internal "
            + "topics and of the state directory. Default unlearning-stream-processor.";

    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    private static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers, host:port[,host:port]. Default localhost:9092.";

    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    private static final String SCHEMA_REGISTRY_URL_DOC = "Base URL of the Confluent-compatible schema registry API. "
            + "Default http://localhost:8081/apis/ccompat/v7 (Apicurio's Confluent-compatible API).";

    public static final String STATE_DIR_CONFIG = "state.dir";
    private static final String STATE_DIR_DOC = "Directory for local state stores. Default <java.io.tmpdir>/unlearning-stream-processor.";

    public static final String STATE_STORE_TYPE_CONFIG = "state.store.type";
    private static final String STATE_STORE_TYPE_DOC = "Where local stores live: rocksdb (on disk under state.dir) or "
            + "in_memory (on the heap, fully restored from the changelogs on every start). Default rocksdb.";

    public static final String REPLICATION_FACTOR_CONFIG = "replication.factor";
    private static final String REPLICATION_FACTOR_DOC = "Replication factor of the internal (changelog, repartition) "
            + "topics. Default 1, for a single broker; use 3 in production.";

    public static final String NUM_STREAM_THREADS_CONFIG = "num.stream.threads";
    private static final String NUM_STREAM_THREADS_DOC = "Stream threads of this instance. Default 1.";

    public static final String DELETION_REQUESTS_TOPIC_CONFIG = "deletion.requests.topic";
    private static final String DELETION_REQUESTS_TOPIC_DOC = "Topic the deletion requests are read from. Default "
            + Topics.DELETION_REQUESTS.name() + ".";

    public static final String TRAINING_MANIFEST_TOPIC_CONFIG = "training.manifest.topic";
    private static final String TRAINING_MANIFEST_TOPIC_DOC = "Compacted topic of manifest entries (subject -> models "
            + "and samples), read as a global store. Default " + Topics.TRAINING_MANIFEST.name() + ".";

    public static final String MODELS_TOPIC_CONFIG = "models.topic";
    private static final String MODELS_TOPIC_DOC = "Compacted topic of registered models with their family (model id"
            + " -> family), read as a global store: a request of a scope the model's family cannot serve is rejected."
            + " Default " + Topics.MODELS.name() + ".";

    public static final String BATCHES_TOPIC_CONFIG = "batches.topic";
    private static final String BATCHES_TOPIC_DOC = "Topic the unlearning batches are written to, keyed by model id. "
            + "Default " + Topics.BATCHES.name() + ".";

    public static final String REQUEST_STATUS_TOPIC_CONFIG = "request.status.topic";
    private static final String REQUEST_STATUS_TOPIC_DOC = "Topic the request statuses are written to, keyed by request "
            + "id. Default " + Topics.REQUEST_STATUS.name() + ".";

    public static final String DEAD_LETTER_TOPIC_CONFIG = "dead.letter.topic";
    private static final String DEAD_LETTER_TOPIC_DOC = "Topic that receives the untouched bytes of undecodable deletion "
            + "requests with __unlearn.errors.* headers. Default " + Topics.DEAD_LETTER + ".";

    public static final String BATCH_MAX_REQUESTS_CONFIG = "batch.max.requests";
    private static final String BATCH_MAX_REQUESTS_DOC = "A model's batch closes when it holds this many requests "
            + "(trigger MAX_REQUESTS). Default 100.";

    public static final String BATCH_MAX_SAMPLES_CONFIG = "batch.max.samples";
    private static final String BATCH_MAX_SAMPLES_DOC = "A model's batch closes when its requests name this many sample "
            + "ids, counted with repeats, so a batch may close early but never late (trigger MAX_SAMPLES). Default 10000.";

    public static final String BATCH_MAX_WAIT_MS_CONFIG = "batch.max.wait.ms";
    private static final String BATCH_MAX_WAIT_MS_DOC = "A model's batch closes when its oldest request has waited this "
            + "long, in wall-clock milliseconds (trigger MAX_WAIT). Default 10000.";

    public static final String BATCH_WAIT_CHECK_INTERVAL_MS_CONFIG = "batch.wait.check.interval.ms";
    private static final String BATCH_WAIT_CHECK_INTERVAL_MS_DOC = "How often, in wall-clock milliseconds, pending "
            + "batches are checked against batch.max.wait.ms; a batch closes at most this late. Must not exceed "
            + "batch.max.wait.ms. Default 200.";

    public static final String BUNDLE_INTERVAL_MS_CONFIG = "bundle.interval.ms";
    private static final String BUNDLE_INTERVAL_MS_DOC = "How often, in wall-clock milliseconds, accepted requests "
            + "are sent on to their model's batch, in one record per model (a bundle) rather than one per request; a "
            + "bundle that alone fills a batch (batch.max.requests or batch.max.samples) goes at once. Shorter makes "
            + "more, smaller records; the wait still counts from admission, so batch.max.wait.ms holds. Must not "
            + "exceed batch.max.wait.ms. Default 50.";

    public static final String REQUEST_DEFAULT_DEADLINE_MS_CONFIG = "request.default.deadline.ms";
    private static final String REQUEST_DEFAULT_DEADLINE_MS_DOC = "The deadline, in milliseconds after its requestedAt, of "
            + "a deletion request that names none; a request's own deadline always applies. Every status and batch "
            + "the stream-processor writes carries the deadline that applies, and the model-registry lists requests "
            + "by it (GET /deadlines). Default 2592000000 (30 days: GDPR Art. 12(3) gives one month to act on an "
            + "erasure request; set it shorter to keep a safety margin of your own).";

    public static final String BATCH_DEADLINE_MARGIN_MS_CONFIG = "batch.deadline.margin.ms";
    private static final String BATCH_DEADLINE_MARGIN_MS_DOC = "A model's batch closes (trigger DEADLINE) once one of "
            + "its requests is due within this many wall-clock milliseconds, before batch.max.wait.ms, so that the "
            + "worker and verifier have this long to finish it: at the next check (batch.wait.check.interval.ms), "
            + "or at once for a request that arrives already this close. It only matters when batch.max.wait.ms is "
            + "long. Must be less than request.default.deadline.ms, or every request would close its batch on "
            + "arrival. Default 86400000 (1 day: unlearning, verification, the escalation's stronger attempts and "
            + "exact retraining take minutes to hours, and a FAILED request still leaves time to act).";

    public static final String COMMIT_INTERVAL_MS_CONFIG = "commit.interval.ms";
    private static final String COMMIT_INTERVAL_MS_DOC = "How often, in milliseconds, the stream threads commit their "
            + "transaction: the output of a transaction becomes visible to read_committed consumers when it commits. "
            + "Longer amortises the fixed cost of a transaction (markers on every partition written, offset commit) "
            + "over more requests; shorter makes batches and statuses visible sooner. A batch closed by "
            + "batch.max.wait.ms requests a commit at once, so its latency does not depend on this setting. "
            + "Default 500 (Kafka Streams' exactly-once default is 100).";

    public static final String DEDUP_RETENTION_MS_CONFIG = "dedup.retention.ms";
    private static final String DEDUP_RETENTION_MS_DOC = "How long, in milliseconds, a request id is remembered for "
            + "de-duplication; a copy arriving later is treated as a new request. Default 604800000 (7 days).";

    public static final String DEDUP_PURGE_INTERVAL_MS_CONFIG = "dedup.purge.interval.ms";
    private static final String DEDUP_PURGE_INTERVAL_MS_DOC = "How often, in wall-clock milliseconds, request ids older "
            + "than dedup.retention.ms are deleted from the de-duplication store. Default 600000 (10 minutes).";

    public static final String SUBJECT_WAIT_MS_CONFIG = "subject.wait.ms";
    private static final String SUBJECT_WAIT_MS_DOC = "How long, in wall-clock milliseconds, a SUBJECT request whose "
            + "subject no training manifest lists yet waits for one (status RECEIVED saying so) before it ends "
            + "NO_MODELS_AFFECTED: a model being registered publishes its manifest entries just after its "
            + "registration, and a request must not overtake them for good. 0 ends it at once. Default 300000 "
            + "(5 minutes).";

    public static final String SUBJECT_WAIT_CHECK_INTERVAL_MS_CONFIG = "subject.wait.check.interval.ms";
    private static final String SUBJECT_WAIT_CHECK_INTERVAL_MS_DOC = "How often, in wall-clock milliseconds, waiting "
            + "SUBJECT requests are resolved against the training manifest again. Default 2000.";

    public static final String REQUEST_MAX_IDS_CONFIG = "request.max.ids";
    private static final String REQUEST_MAX_IDS_DOC = "Most sample ids, pairs or model ids one request may name; more is "
            + "REJECTED. Default 100000.";

    public static final String REQUEST_MAX_ID_BYTES_CONFIG = "request.max.id.bytes";
    private static final String REQUEST_MAX_ID_BYTES_DOC = "Longest id (request, subject, sample, model), in UTF-8 "
            + "bytes; longer is REJECTED. Default 256.";

    public static final String REQUEST_MAX_BYTES_CONFIG = "request.max.bytes";
    private static final String REQUEST_MAX_BYTES_DOC = "Largest deletion-request record read, in bytes: key, value "
            + "and headers as they arrived. A larger one is not decoded: it is REJECTED (the status keyed by its record "
            + "key, which is the request id) or, if its key cannot be a request id (null, not UTF-8, longer than "
            + "request.max.id.bytes), sent to the dead-letter topic. Checked before decoding, so a huge request costs "
            + "no decoding and no status of its size. Must not exceed batch.max.bytes - 24, so that every request that "
            + "passes fits a batch; the statuses it can cause must fit the producer's max.request.size (see "
            + "batch.max.bytes). Default 262144 (256 KiB).";

    public static final String BATCH_MAX_BYTES_CONFIG = "batch.max.bytes";
    private static final String BATCH_MAX_BYTES_DOC = "Most bytes of requests one batch carries: each request's "
            + "encoding for its model plus 24 bytes of bookkeeping. A batch closes before an arriving request would "
            + "pass it (trigger MAX_SAMPLES); a request whose encoding alone passes it (a SUBJECT request whose "
            + "manifest lists very many samples) is REJECTED. Why: every record the service writes must fit the "
            + "producer's max.request.size (producer.max.request.size, default 1048576) or the producer refuses it. "
            + "The arithmetic, checked at start-up: a batch record is at most 2 x batch.max.bytes (the requests, plus "
            + "the unions of their ids, which repeat each id at most once) + 3 x request.max.id.bytes (the model id "
            + "as key, in modelId and in batchId) + 4096 (other fields and framing); a status record is at most "
            + "2 x request.max.bytes (the request id as key and field) + 3 x request.max.id.bytes + 16384 (a reason "
            + "of at most 2,000 chars and the other fields). With the defaults: 2 x 491520 + 3 x 256 + 4096 = "
            + "987904 and 2 x 262144 + 768 + 16384 = 541440, both under 1048576. The topics' max.message.bytes (the "
            + "broker's default is 1048588) must be at least producer.max.request.size. Default 491520 (480 KiB).";

    public static final String KNOWN_MODELS_CONFIG = "known.models";
    private static final String KNOWN_MODELS_DOC = "Model ids accepted in addition to those seen in the training "
            + "manifest, comma-separated. Default empty.";

    public static final String HTTP_HOST_CONFIG = "http.host";
    private static final String HTTP_HOST_DOC = "Address the /health and /metrics endpoint binds to: 127.0.0.1 "
            + "serves this machine only; 0.0.0.0 every interface (e.g. for a scraper on another host). Default "
            + "127.0.0.1.";

    public static final String HTTP_PORT_CONFIG = "http.port";
    private static final String HTTP_PORT_DOC = "Port of the HTTP endpoint serving /health and /metrics (Prometheus "
            + "text format) on http.host; 0 picks a free port. Default 8090.";

    public static final String SHUTDOWN_TIMEOUT_MS_CONFIG = "shutdown.timeout.ms";
    private static final String SHUTDOWN_TIMEOUT_MS_DOC = "How long, in milliseconds, a graceful shutdown waits for "
            + "the stream threads to commit and close. Default 30000.";

    /**
     * The embedded producer's {@code batch.size} unless {@code producer.batch.size} is set: 256 KB, or
     * {@code max.request.size} if that is smaller.
     */
    static final int PRODUCER_BATCH_SIZE = 256 * 1024;

    /** Bytes of bookkeeping per request in a batch's byte count (admission time, sample count, length). */
    public static final int BATCH_ENTRY_OVERHEAD_BYTES = RequestBundle.ENTRY_HEADER;
    /** Room in a batch record for its fixed fields, array headers and record framing; see batch.max.bytes. */
    static final int BATCH_RECORD_OVERHEAD_BYTES = 4096;
    /** Room in a status record for its reason (2,000 chars, up to 8,000 UTF-8 bytes), other fields and framing. */
    static final int STATUS_RECORD_OVERHEAD_BYTES = 16_384;

    /** Prefix of settings handed to {@link StreamsConfig} with the prefix removed. */
    public static final String STREAMS_PREFIX = "streams.";
    /** Prefixes of settings handed to Streams' embedded clients unchanged (Streams strips them itself). */
    public static final List<String> CLIENT_PREFIXES = List.of(StreamsConfig.CONSUMER_PREFIX,
            StreamsConfig.PRODUCER_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX,
            StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX);

    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private static final ConfigDef CONFIG = ClientSecurity.define(new ConfigDef())
            .define(APPLICATION_ID_CONFIG, Type.STRING, "unlearning-stream-processor", topicName(),
                    Importance.HIGH, APPLICATION_ID_DOC)
            .define(BOOTSTRAP_SERVERS_CONFIG, Type.LIST, "localhost:9092", (name, value) -> {
                        if (value instanceof List<?> list && list.isEmpty()) {
                            throw new ConfigException(name, value, "name at least one broker host:port");
                        }
                    },
                    Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, "http://localhost:8081/apis/ccompat/v7", httpUrl(),
                    Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
            .define(STATE_DIR_CONFIG, Type.STRING,
                    Path.of(System.getProperty("java.io.tmpdir"), "unlearning-stream-processor").toString(),
                    new ConfigDef.NonEmptyString(), Importance.MEDIUM, STATE_DIR_DOC)
            .define(STATE_STORE_TYPE_CONFIG, Type.STRING, StateStoreType.ROCKSDB.value(),
                    ConfigDef.ValidString.in(StateStoreType.ROCKSDB.value(), StateStoreType.IN_MEMORY.value()),
                    Importance.LOW, STATE_STORE_TYPE_DOC)
            .define(REPLICATION_FACTOR_CONFIG, Type.SHORT, (short) 1, Range.atLeast(1),
                    Importance.MEDIUM, REPLICATION_FACTOR_DOC)
            .define(NUM_STREAM_THREADS_CONFIG, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM, NUM_STREAM_THREADS_DOC)
            .define(DELETION_REQUESTS_TOPIC_CONFIG, Type.STRING, Topics.DELETION_REQUESTS.name(), topicName(),
                    Importance.MEDIUM, DELETION_REQUESTS_TOPIC_DOC)
            .define(TRAINING_MANIFEST_TOPIC_CONFIG, Type.STRING, Topics.TRAINING_MANIFEST.name(), topicName(),
                    Importance.MEDIUM, TRAINING_MANIFEST_TOPIC_DOC)
            .define(MODELS_TOPIC_CONFIG, Type.STRING, Topics.MODELS.name(), topicName(), Importance.MEDIUM,
                    MODELS_TOPIC_DOC)
            .define(BATCHES_TOPIC_CONFIG, Type.STRING, Topics.BATCHES.name(), topicName(),
                    Importance.MEDIUM, BATCHES_TOPIC_DOC)
            .define(REQUEST_STATUS_TOPIC_CONFIG, Type.STRING, Topics.REQUEST_STATUS.name(), topicName(),
                    Importance.MEDIUM, REQUEST_STATUS_TOPIC_DOC)
            .define(DEAD_LETTER_TOPIC_CONFIG, Type.STRING, Topics.DEAD_LETTER, topicName(),
                    Importance.MEDIUM, DEAD_LETTER_TOPIC_DOC)
            .define(BATCH_MAX_REQUESTS_CONFIG, Type.INT, 100, Range.atLeast(1), Importance.HIGH, BATCH_MAX_REQUESTS_DOC)
            .define(BATCH_MAX_SAMPLES_CONFIG, Type.INT, 10_000, Range.atLeast(1), Importance.HIGH, BATCH_MAX_SAMPLES_DOC)
            .define(BATCH_MAX_WAIT_MS_CONFIG, Type.LONG, 10_000L, Range.atLeast(1), Importance.HIGH, BATCH_MAX_WAIT_MS_DOC)
            .define(BATCH_WAIT_CHECK_INTERVAL_MS_CONFIG, Type.LONG, 200L, Range.atLeast(1),
                    Importance.LOW, BATCH_WAIT_CHECK_INTERVAL_MS_DOC)
            .define(BUNDLE_INTERVAL_MS_CONFIG, Type.LONG, 50L, Range.atLeast(1), Importance.LOW, BUNDLE_INTERVAL_MS_DOC)
            .define(REQUEST_DEFAULT_DEADLINE_MS_CONFIG, Type.LONG, Duration.ofDays(30).toMillis(), Range.atLeast(1),
                    Importance.HIGH, REQUEST_DEFAULT_DEADLINE_MS_DOC)
            .define(BATCH_DEADLINE_MARGIN_MS_CONFIG, Type.LONG, Duration.ofDays(1).toMillis(), Range.atLeast(0),
                    Importance.MEDIUM, BATCH_DEADLINE_MARGIN_MS_DOC)
            .define(COMMIT_INTERVAL_MS_CONFIG, Type.LONG, 500L, Range.atLeast(1), Importance.MEDIUM,
                    COMMIT_INTERVAL_MS_DOC)
            .define(DEDUP_RETENTION_MS_CONFIG, Type.LONG, Duration.ofDays(7).toMillis(), Range.atLeast(1),
                    Importance.MEDIUM, DEDUP_RETENTION_MS_DOC)
            .define(DEDUP_PURGE_INTERVAL_MS_CONFIG, Type.LONG, Duration.ofMinutes(10).toMillis(), Range.atLeast(1),
                    Importance.LOW, DEDUP_PURGE_INTERVAL_MS_DOC)
            .define(SUBJECT_WAIT_MS_CONFIG, Type.LONG, Duration.ofMinutes(5).toMillis(), Range.atLeast(0),
                    Importance.MEDIUM, SUBJECT_WAIT_MS_DOC)
            .define(SUBJECT_WAIT_CHECK_INTERVAL_MS_CONFIG, Type.LONG, 2000L, Range.atLeast(1), Importance.LOW,
                    SUBJECT_WAIT_CHECK_INTERVAL_MS_DOC)
            .define(REQUEST_MAX_IDS_CONFIG, Type.INT, 100_000, Range.atLeast(1), Importance.MEDIUM, REQUEST_MAX_IDS_DOC)
            .define(REQUEST_MAX_ID_BYTES_CONFIG, Type.INT, 256, Range.atLeast(1), Importance.MEDIUM, REQUEST_MAX_ID_BYTES_DOC)
            .define(REQUEST_MAX_BYTES_CONFIG, Type.INT, 256 * 1024, Range.atLeast(64), Importance.MEDIUM,
                    REQUEST_MAX_BYTES_DOC)
            .define(BATCH_MAX_BYTES_CONFIG, Type.INT, 480 * 1024, Range.atLeast(1024), Importance.MEDIUM,
                    BATCH_MAX_BYTES_DOC)
            .define(KNOWN_MODELS_CONFIG, Type.LIST, "", Importance.MEDIUM, KNOWN_MODELS_DOC)
            .define(HTTP_HOST_CONFIG, Type.STRING, "127.0.0.1", new ConfigDef.NonEmptyStringWithoutControlChars(),
                    Importance.LOW, HTTP_HOST_DOC)
            .define(HTTP_PORT_CONFIG, Type.INT, 8090, Range.between(0, 65_535), Importance.LOW, HTTP_PORT_DOC)
            .define(SHUTDOWN_TIMEOUT_MS_CONFIG, Type.LONG, 30_000L, Range.atLeast(0), Importance.LOW, SHUTDOWN_TIMEOUT_MS_DOC);

    private StreamProcessorConfig(Map<?, ?> props) {
        super(CONFIG, props, false);
    }

    /**
     * Checks every key, the cross-key rules and the forced settings, then builds the config.
     *
     * @throws ConfigException listing every problem found, each with its key, the bad value and the rule broken
     */
    public static StreamProcessorConfig from(Map<?, ?> props) {
        Map<String, String> asStrings = new HashMap<>();
        props.forEach((k, v) -> asStrings.put(String.valueOf(k), asString(v)));
        List<String> problems = new ArrayList<>();
        for (ConfigValue value : CONFIG.validate(asStrings)) {
            // a value that does not parse also fails its validator as null: the first message is the useful one
            value.errorMessages().stream().findFirst().ifPresent(problems::add);
        }
        problems.addAll(forcedSettingProblems(asStrings));
        problems.addAll(ClientSecurity.problems(asStrings));
        if (problems.isEmpty()) {
            StreamProcessorConfig cfg = new StreamProcessorConfig(asStrings);
            problems.addAll(cfg.crossKeyProblems());
            if (problems.isEmpty()) {
                return cfg;
            }
        }
        throw new ConfigException("stream-processor configuration has " + problems.size() + " problem(s):\n  - "
                + String.join("\n  - ", problems));
    }

    private static String asString(Object value) {
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return value == null ? null : String.valueOf(value);
    }

    private List<String> crossKeyProblems() {
        List<String> problems = new ArrayList<>();
        if (batchWaitCheckInterval().compareTo(batchMaxWait()) > 0) {
            problems.add(String.format("Invalid value %d for configuration %s: must not exceed %s=%d, or batches "
                            + "would close up to %d ms after their max wait", batchWaitCheckInterval().toMillis(),
                    BATCH_WAIT_CHECK_INTERVAL_MS_CONFIG, BATCH_MAX_WAIT_MS_CONFIG, batchMaxWait().toMillis(),
                    batchWaitCheckInterval().toMillis()));
        }
        if (bundleInterval().compareTo(batchMaxWait()) > 0) {
            problems.add(String.format("Invalid value %d for configuration %s: must not exceed %s=%d, or requests "
                            + "would reach their batch after its max wait", bundleInterval().toMillis(),
                    BUNDLE_INTERVAL_MS_CONFIG, BATCH_MAX_WAIT_MS_CONFIG, batchMaxWait().toMillis()));
        }
        if (batchDeadlineMargin().compareTo(requestDefaultDeadline()) >= 0) {
            problems.add(String.format("Invalid value %d for configuration %s: must be less than %s=%d, or every "
                            + "request without a deadline of its own would close its batch on arrival",
                    batchDeadlineMargin().toMillis(), BATCH_DEADLINE_MARGIN_MS_CONFIG,
                    REQUEST_DEFAULT_DEADLINE_MS_CONFIG, requestDefaultDeadline().toMillis()));
        }
        problems.addAll(sizeProblems());
        return problems;
    }

    /** The record sizes the limits allow against the producer's {@code max.request.size}; see batch.max.bytes. */
    private List<String> sizeProblems() {
        List<String> problems = new ArrayList<>();
        long maxRequestSize = producerMaxRequestSize();
        String producerKey = StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (requestMaxBytes() + BATCH_ENTRY_OVERHEAD_BYTES > batchMaxBytes()) {
            problems.add(String.format("Invalid value %d for configuration %s: must not exceed %s - %d = %d, or a "
                            + "request that passed the size check could not fit a batch; lower %s or raise %s",
                    requestMaxBytes(), REQUEST_MAX_BYTES_CONFIG, BATCH_MAX_BYTES_CONFIG, BATCH_ENTRY_OVERHEAD_BYTES,
                    batchMaxBytes() - BATCH_ENTRY_OVERHEAD_BYTES, REQUEST_MAX_BYTES_CONFIG, BATCH_MAX_BYTES_CONFIG));
        }
        if (maxBatchRecordBytes() > maxRequestSize) {
            problems.add(String.format("Invalid value %d for configuration %s: a batch may then encode to 2 x %d + "
                            + "3 x %s (%d) + %d = %d bytes, more than %s=%d, and the producer would refuse it; lower "
                            + "%s to at most %d or raise %s (and the topics' max.message.bytes) to at least %d",
                    batchMaxBytes(), BATCH_MAX_BYTES_CONFIG, batchMaxBytes(), REQUEST_MAX_ID_BYTES_CONFIG,
                    requestMaxIdBytes(), BATCH_RECORD_OVERHEAD_BYTES, maxBatchRecordBytes(), producerKey,
                    maxRequestSize, BATCH_MAX_BYTES_CONFIG,
                    Math.max(0, (maxRequestSize - 3L * requestMaxIdBytes() - BATCH_RECORD_OVERHEAD_BYTES) / 2),
                    producerKey, maxBatchRecordBytes()));
        }
        if (maxStatusRecordBytes() > maxRequestSize) {
            problems.add(String.format("Invalid value %d for configuration %s: a status may then encode to 2 x %d + "
                            + "3 x %s (%d) + %d = %d bytes, more than %s=%d, and the producer would refuse it; lower "
                            + "%s to at most %d or raise %s to at least %d",
                    requestMaxBytes(), REQUEST_MAX_BYTES_CONFIG, requestMaxBytes(), REQUEST_MAX_ID_BYTES_CONFIG,
                    requestMaxIdBytes(), STATUS_RECORD_OVERHEAD_BYTES, maxStatusRecordBytes(), producerKey,
                    maxRequestSize, REQUEST_MAX_BYTES_CONFIG,
                    Math.max(0, (maxRequestSize - 3L * requestMaxIdBytes() - STATUS_RECORD_OVERHEAD_BYTES) / 2),
                    producerKey, maxStatusRecordBytes()));
        }
        String batchSize = originalsStrings().get(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG));
        if (batchSize != null && batchSize.matches("\\d{1,10}") && Long.parseLong(batchSize) > maxRequestSize) {
            problems.add(String.format("Invalid value %s for configuration %s: must not exceed %s=%d, or the "
                            + "producer would build batches the broker refuses; lower it or remove it (the default is "
                            + "min(%d, %s))", batchSize, StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG),
                    producerKey, maxRequestSize, PRODUCER_BATCH_SIZE, producerKey));
        }
        return problems;
    }

    /**
     * The embedded producer's {@code max.request.size}: {@code producer.max.request.size}, else the same key passed
     * with {@code streams.}, else Kafka's default (1048576). Every record the service writes must fit it.
     */
    public int producerMaxRequestSize() {
        Map<String, String> originals = originalsStrings();
        for (String key : List.of(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                STREAMS_PREFIX + StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                STREAMS_PREFIX + ProducerConfig.MAX_REQUEST_SIZE_CONFIG)) {
            String value = originals.get(key);
            if (value != null && value.trim().matches("\\d{1,9}")) {
                return Integer.parseInt(value.trim()); // a value that is no number is reported by Kafka's own check
            }
        }
        return 1024 * 1024;
    }

    /** The largest batch record the limits allow, in bytes; see batch.max.bytes. */
    public long maxBatchRecordBytes() {
        return 2L * batchMaxBytes() + 3L * requestMaxIdBytes() + BATCH_RECORD_OVERHEAD_BYTES;
    }

    /** The largest status record the limits allow, in bytes; see batch.max.bytes. */
    public long maxStatusRecordBytes() {
        return 2L * requestMaxBytes() + 3L * requestMaxIdBytes() + STATUS_RECORD_OVERHEAD_BYTES;
    }

    private static List<String> forcedSettingProblems(Map<String, String> props) {
        List<String> problems = new ArrayList<>();
        String guarantee = props.get(STREAMS_PREFIX + StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        if (guarantee != null && !StreamsConfig.EXACTLY_ONCE_V2.equals(guarantee)) {
            problems.add("Invalid value " + guarantee + " for configuration " + STREAMS_PREFIX
                    + StreamsConfig.PROCESSING_GUARANTEE_CONFIG + ": the stream-processor always runs exactly_once_v2, "
                    + "because at-least-once would let a crash put one request into two batches; remove the setting");
        }
        String commitInterval = props.get(STREAMS_PREFIX + StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
        if (commitInterval != null) {
            problems.add("Invalid configuration " + STREAMS_PREFIX + StreamsConfig.COMMIT_INTERVAL_MS_CONFIG + "="
                    + commitInterval + ": the stream-processor sets it from " + COMMIT_INTERVAL_MS_CONFIG
                    + "; set that key instead");
        }
        for (String prefix : List.of(StreamsConfig.CONSUMER_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX)) {
            String isolation = props.get(prefix + "isolation.level");
            if (isolation != null && !"read_committed".equals(isolation)) {
                problems.add("Invalid value " + isolation + " for configuration " + prefix + "isolation.level: "
                        + "exactly-once needs read_committed, or aborted batches would be read; remove the setting");
            }
        }
        return problems;
    }

    /** The settings for {@code new KafkaStreams(topology, props)}: forced ones, ours, then the pass-through ones. */
    public Properties streamsProperties() {
        Properties props = new Properties();
        // unprefixed, so that Streams hands them to every client it creates: consumers, producers and admin
        props.putAll(ClientSecurity.kafkaSettings(this));
        // A stream thread's producer writes a status and a changelog record per request; at the default 16 KB a batch
        // holds ~100 statuses, and the broker's and the producer's network thread's cost per request was twice that
        // with 256 KB (bin/bench-stream-processor). Batches still go at linger.ms or at the commit: no added latency.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG),
                Math.min(PRODUCER_BATCH_SIZE, producerMaxRequestSize()));
        originalsStrings().forEach((key, value) -> {
            if (key.startsWith(STREAMS_PREFIX)) {
                props.put(key.substring(STREAMS_PREFIX.length()), value);
            } else if (CLIENT_PREFIXES.stream().anyMatch(key::startsWith)) {
                props.put(key, value);
            }
        });
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", getList(BOOTSTRAP_SERVERS_CONFIG)));
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir().toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) getShort(REPLICATION_FACTOR_CONFIG));
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, getInt(NUM_STREAM_THREADS_CONFIG));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, getLong(COMMIT_INTERVAL_MS_CONFIG));
        // Streams' default handler fails the thread on any output record the producer refuses, so one oversized
        // record stopped the service for good (issue 14); ours dead-letters such a record and carries on
        props.putIfAbsent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterProductionExceptionHandler.class.getName());
        props.putIfAbsent(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic());
        return props;
    }

    public String applicationId() {
        return getString(APPLICATION_ID_CONFIG);
    }

    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL_CONFIG);
    }

    public Path stateDir() {
        return Path.of(getString(STATE_DIR_CONFIG));
    }

    public StateStoreType stateStoreType() {
        return StateStoreType.parse(getString(STATE_STORE_TYPE_CONFIG));
    }

    public String deletionRequestsTopic() {
        return getString(DELETION_REQUESTS_TOPIC_CONFIG);
    }

    public String trainingManifestTopic() {
        return getString(TRAINING_MANIFEST_TOPIC_CONFIG);
    }

    public String modelsTopic() {
        return getString(MODELS_TOPIC_CONFIG);
    }

    public String batchesTopic() {
        return getString(BATCHES_TOPIC_CONFIG);
    }

    public String requestStatusTopic() {
        return getString(REQUEST_STATUS_TOPIC_CONFIG);
    }

    public String deadLetterTopic() {
        return getString(DEAD_LETTER_TOPIC_CONFIG);
    }

    public int batchMaxRequests() {
        return getInt(BATCH_MAX_REQUESTS_CONFIG);
    }

    public int batchMaxSamples() {
        return getInt(BATCH_MAX_SAMPLES_CONFIG);
    }

    public Duration batchMaxWait() {
        return Duration.ofMillis(getLong(BATCH_MAX_WAIT_MS_CONFIG));
    }

    public Duration batchWaitCheckInterval() {
        return Duration.ofMillis(getLong(BATCH_WAIT_CHECK_INTERVAL_MS_CONFIG));
    }

    public Duration bundleInterval() {
        return Duration.ofMillis(getLong(BUNDLE_INTERVAL_MS_CONFIG));
    }

    /** What a request without a deadline gets after its requestedAt. */
    public Duration requestDefaultDeadline() {
        return Duration.ofMillis(getLong(REQUEST_DEFAULT_DEADLINE_MS_CONFIG));
    }

    /** How near a pending request's deadline closes its batch. */
    public Duration batchDeadlineMargin() {
        return Duration.ofMillis(getLong(BATCH_DEADLINE_MARGIN_MS_CONFIG));
    }

    public Duration commitInterval() {
        return Duration.ofMillis(getLong(COMMIT_INTERVAL_MS_CONFIG));
    }

    public Duration dedupRetention() {
        return Duration.ofMillis(getLong(DEDUP_RETENTION_MS_CONFIG));
    }

    public Duration dedupPurgeInterval() {
        return Duration.ofMillis(getLong(DEDUP_PURGE_INTERVAL_MS_CONFIG));
    }

    public Duration subjectWait() {
        return Duration.ofMillis(getLong(SUBJECT_WAIT_MS_CONFIG));
    }

    public Duration subjectWaitCheckInterval() {
        return Duration.ofMillis(getLong(SUBJECT_WAIT_CHECK_INTERVAL_MS_CONFIG));
    }

    public int requestMaxIds() {
        return getInt(REQUEST_MAX_IDS_CONFIG);
    }

    public int requestMaxIdBytes() {
        return getInt(REQUEST_MAX_ID_BYTES_CONFIG);
    }

    public int requestMaxBytes() {
        return getInt(REQUEST_MAX_BYTES_CONFIG);
    }

    public int batchMaxBytes() {
        return getInt(BATCH_MAX_BYTES_CONFIG);
    }

    public Set<String> knownModels() {
        Set<String> models = new HashSet<>(getList(KNOWN_MODELS_CONFIG));
        models.remove("");
        return Set.copyOf(models);
    }

    public String httpHost() {
        return getString(HTTP_HOST_CONFIG);
    }

    public int httpPort() {
        return getInt(HTTP_PORT_CONFIG);
    }

    public Duration shutdownTimeout() {
        return Duration.ofMillis(getLong(SHUTDOWN_TIMEOUT_MS_CONFIG));
    }

    /** The configuration reference as a Markdown table, generated from the definition (for docs/config.md). */
    public static String configDocs() {
        StringBuilder out = new StringBuilder("| key | type | default | valid values | importance | description |\n"
                + "| --- | --- | --- | --- | --- | --- |\n");
        for (ConfigDef.ConfigKey key : new java.util.TreeMap<>(CONFIG.configKeys()).values()) {
            out.append(String.format("| `%s` | %s | %s | %s | %s | %s |%n", key.name, key.type.toString().toLowerCase(),
                    key.hasDefault() ? "`" + ConfigDef.convertToString(key.defaultValue, key.type) + "`" : "",
                    key.validator == null ? "" : key.validator, key.importance.toString().toLowerCase(),
                    key.documentation));
        }
        return out.toString();
    }

    private static ConfigDef.Validator topicName() {
        return (name, value) -> {
            if (value == null || !TOPIC_NAME.matcher(value.toString()).matches()) {
                throw new ConfigException(name, value, "must be 1-249 characters of [a-zA-Z0-9._-]");
            }
        };
    }

    private static ConfigDef.Validator httpUrl() {
        return (name, value) -> {
            if (value == null || !(value.toString().startsWith("http://") || value.toString().startsWith("https://"))) {
                throw new ConfigException(name, value, "must be an http:// or https:// URL");
            }
        };
    }

    /** @return every key with its type, default, validator and doc; {@code docs/config.md} is generated from it */
    public static ConfigDef configDef() {
        return CONFIG;
    }
}
