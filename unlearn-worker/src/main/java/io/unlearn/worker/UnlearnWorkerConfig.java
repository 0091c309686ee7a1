package io.unlearn.worker;

import io.unlearn.kit.config.ClientSecurity;
import io.unlearn.kit.config.SettingsCheck;
import io.unlearn.schemas.Topics;
import io.unlearn.worker.errors.InvalidConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of the unlearn-worker. Every default runs on one machine (broker on localhost:9092, schema registry
 * on localhost:8081, model-registry on localhost:8082, artifacts under the system temp directory, as the
 * model-registry's). Build it with {@link #load}, which checks every key before any network call and reports all
 * problems at once.
 *
 * <p>Kafka client settings pass through with a {@code consumer.} or {@code producer.} prefix, except those the
 * worker forces for exactly-once processing ({@link #FORCED_CONSUMER}, {@link #FORCED_PRODUCER}).
 */
public final class UnlearnWorkerConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    private static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers to connect to, host:port[,host:port...].";

    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    private static final String SCHEMA_REGISTRY_URL_DOC = "Base URL of the Confluent-compatible schema registry"
            + " (for Apicurio: http://host:port/apis/ccompat/v7).";

    public static final String MODEL_REGISTRY_URL_CONFIG = "model.registry.url";
    private static final String MODEL_REGISTRY_URL_DOC = "Base URL of the model-registry's REST API; the worker"
            + " reads GET /models/{id} for each batch.";

    public static final String MODEL_REGISTRY_AUTH_TOKEN_CONFIG = "model.registry.auth.token";
    private static final String MODEL_REGISTRY_AUTH_TOKEN_DOC = "The model-registry's http.auth.token, sent as a"
            + " bearer token with every read; needed only when the registry runs with http.auth.reads=token."
            + " Never logged. No default.";

    public static final String ARTIFACT_DIR_CONFIG = "artifact.dir";
    private static final String ARTIFACT_DIR_DOC = "Directory of the content-addressed artifact store shared with the"
            + " model-registry and the verifier. Default: unlearn/artifacts under the system temp directory.";

    public static final String WORKER_ID_CONFIG = "worker.id";
    private static final String WORKER_ID_DOC = "The consumer group of the workers; instances with the same id share"
            + " the batches' partitions.";

    public static final String INSTANCE_ID_CONFIG = "instance.id";
    private static final String INSTANCE_ID_DOC = "This instance's name within worker.id; the transactional id is"
            + " <worker.id>.<instance.id>. Unique per running instance and stable across its restarts, so a restart"
            + " aborts what the previous run left open at once.";

    public static final String HTTP_HOST_CONFIG = "http.host";
    private static final String HTTP_HOST_DOC = "Address the health and metrics endpoint binds to.";

    public static final String HTTP_PORT_CONFIG = "http.port";
    private static final String HTTP_PORT_DOC = "Port of GET /health and GET /metrics; 0 picks a free port.";

    public static final String BATCHES_TOPIC_CONFIG = "batches.topic";
    private static final String BATCHES_TOPIC_DOC = "Topic of unlearning batches (input).";

    public static final String CANDIDATES_TOPIC_CONFIG = "candidates.topic";
    private static final String CANDIDATES_TOPIC_DOC = "Topic candidate versions are published to.";

    public static final String REQUEST_STATUS_TOPIC_CONFIG = "request.status.topic";
    private static final String REQUEST_STATUS_TOPIC_DOC = "Topic of deletion-request status changes.";

    public static final String DEAD_LETTER_TOPIC_CONFIG = "dead.letter.topic";
    private static final String DEAD_LETTER_TOPIC_DOC = "Topic for batches that cannot be decoded or processed,"
            + " with __unlearn.errors.* headers.";

    public static final String VERDICT_POLL_MS_CONFIG = "verdict.poll.ms";
    private static final String VERDICT_POLL_MS_DOC = "While a model's previous candidate awaits its verdict, how"
            + " often the worker asks the model-registry again, in milliseconds. Default 2 seconds.";

    public static final String RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
    private static final String RETRY_BACKOFF_MS_DOC = "Wait before retrying a batch after a passing failure"
            + " (model-registry or schema registry unreachable, data set or artifact missing, aborted transaction),"
            + " in milliseconds. Default 5 seconds.";

    public static final String POLL_TIMEOUT_MS_CONFIG = "poll.timeout.ms";
    private static final String POLL_TIMEOUT_MS_DOC = "Longest wait of one consumer poll, in milliseconds; bounds how"
            + " late a finished batch or a shutdown is noticed. Default 200.";

    public static final String TASK_TIMEOUT_MS_CONFIG = "task.timeout.ms";
    private static final String TASK_TIMEOUT_MS_DOC = "Longest one batch's unlearning may run, in milliseconds; after"
            + " that it is stopped, its requests end FAILED with the reason and the batch goes to the dead-letter"
            + " topic, so a hung task never blocks the other models. Default 2 hours.";

    public static final String TASK_RETRY_TIMEOUT_MS_CONFIG = "task.retry.timeout.ms";
    private static final String TASK_RETRY_TIMEOUT_MS_DOC = "How long a batch may keep waiting (a dependency down,"
            + " an unreadable artifact, a verdict that does not come), in milliseconds from its first try in this"
            + " process; after that its requests end FAILED with what it waited for and the batch goes to the"
            + " dead-letter topic. Default 6 hours.";

    public static final String SHUTDOWN_TIMEOUT_MS_CONFIG = "shutdown.timeout.ms";
    private static final String SHUTDOWN_TIMEOUT_MS_DOC = "On shutdown, how long a running batch may finish and"
            + " commit, in milliseconds; after that it is abandoned and redone on the next start. Default 30 s.";

    /** Consumer settings the worker sets itself; a user value would break exactly-once processing. */
    public static final Map<String, String> FORCED_CONSUMER = Map.of(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "only committed batches may be unlearned (read_committed)",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "offsets commit inside the output transaction",
            ConsumerConfig.GROUP_ID_CONFIG, "set worker.id instead",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "records are decoded by the worker so bad ones reach the"
                    + " dead-letter topic untouched",
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "records are decoded by the worker so bad ones reach the"
                    + " dead-letter topic untouched");
    /** Producer settings the worker sets itself. */
    public static final Map<String, String> FORCED_PRODUCER = Map.of(
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "derived from worker.id and instance.id",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "transactions need idempotence",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "keys are strings, encoded by the worker",
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "values are Avro in the Confluent wire format");

    /** A validator that describes itself, so the generated config reference shows the rule. */
    private record Rule(String description, Predicate<String> holds) implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || !holds.test(value.toString())) {
                throw new ConfigException(name, value, description);
            }
        }

        @Override
        public String toString() {
            return description;
        }
    }

    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Rule TOPIC_NAME = new Rule("a topic name: 1 to 249 characters of [a-zA-Z0-9._-]",
            v -> TOPIC.matcher(v).matches());
    private static final Rule ID = new Rule("1 to 100 characters of [a-zA-Z0-9._-]",
            v -> v.matches("[a-zA-Z0-9._-]{1,100}"));
    private static final Rule NON_BLANK = new Rule("non-blank", v -> !v.isBlank());
    private static final Rule HTTP_URL = new Rule("an http:// or https:// URL", v -> v.matches("https?://\\S+"));

    /** The model-registry's default, so both find the same artifacts on one machine. */
    public static final String DEFAULT_ARTIFACT_DIR =
            Path.of(System.getProperty("java.io.tmpdir"), "unlearn", "artifacts").toString();

    static final ConfigDef CONFIG = ClientSecurity.define(new ConfigDef())
            .define(BOOTSTRAP_SERVERS_CONFIG, Type.STRING, "localhost:9092", NON_BLANK, Importance.HIGH,
                    BOOTSTRAP_SERVERS_DOC)
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, "http://localhost:8081/apis/ccompat/v7", HTTP_URL, Importance.HIGH,
                    SCHEMA_REGISTRY_URL_DOC)
            .define(MODEL_REGISTRY_URL_CONFIG, Type.STRING, "http://localhost:8082", HTTP_URL, Importance.HIGH,
                    MODEL_REGISTRY_URL_DOC)
            .define(MODEL_REGISTRY_AUTH_TOKEN_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                    MODEL_REGISTRY_AUTH_TOKEN_DOC)
            .define(ARTIFACT_DIR_CONFIG, Type.STRING, DEFAULT_ARTIFACT_DIR, NON_BLANK, Importance.HIGH,
                    ARTIFACT_DIR_DOC)
            .define(WORKER_ID_CONFIG, Type.STRING, "unlearn-worker", ID, Importance.MEDIUM, WORKER_ID_DOC)
            .define(INSTANCE_ID_CONFIG, Type.STRING, "1", ID, Importance.MEDIUM, INSTANCE_ID_DOC)
            .define(HTTP_HOST_CONFIG, Type.STRING, "127.0.0.1", NON_BLANK, Importance.MEDIUM, HTTP_HOST_DOC)
            .define(HTTP_PORT_CONFIG, Type.INT, 8083, Range.between(0, 65535), Importance.MEDIUM, HTTP_PORT_DOC)
            .define(BATCHES_TOPIC_CONFIG, Type.STRING, Topics.BATCHES.name(), TOPIC_NAME, Importance.LOW,
                    BATCHES_TOPIC_DOC)
            .define(CANDIDATES_TOPIC_CONFIG, Type.STRING, Topics.CANDIDATES.name(), TOPIC_NAME, Importance.LOW,
                    CANDIDATES_TOPIC_DOC)
            .define(REQUEST_STATUS_TOPIC_CONFIG, Type.STRING, Topics.REQUEST_STATUS.name(), TOPIC_NAME,
                    Importance.LOW, REQUEST_STATUS_TOPIC_DOC)
            .define(DEAD_LETTER_TOPIC_CONFIG, Type.STRING, Topics.DEAD_LETTER, TOPIC_NAME, Importance.LOW,
                    DEAD_LETTER_TOPIC_DOC)
            .define(VERDICT_POLL_MS_CONFIG, Type.LONG, 2_000L, Range.between(10, 600_000), Importance.LOW,
                    VERDICT_POLL_MS_DOC)
            .define(RETRY_BACKOFF_MS_CONFIG, Type.LONG, 5_000L, Range.between(10, 600_000), Importance.LOW,
                    RETRY_BACKOFF_MS_DOC)
            .define(POLL_TIMEOUT_MS_CONFIG, Type.LONG, 200L, Range.between(10, 10_000), Importance.LOW,
                    POLL_TIMEOUT_MS_DOC)
            .define(SHUTDOWN_TIMEOUT_MS_CONFIG, Type.LONG, 30_000L, Range.between(0, 3_600_000), Importance.LOW,
                    SHUTDOWN_TIMEOUT_MS_DOC)
            .define(TASK_TIMEOUT_MS_CONFIG, Type.LONG, 7_200_000L, Range.atLeast(1_000), Importance.MEDIUM,
                    TASK_TIMEOUT_MS_DOC)
            .define(TASK_RETRY_TIMEOUT_MS_CONFIG, Type.LONG, 21_600_000L, Range.atLeast(1_000), Importance.MEDIUM,
                    TASK_RETRY_TIMEOUT_MS_DOC);

    private UnlearnWorkerConfig(Map<String, ?> props) {
        super(CONFIG, props, false);
    }

    /**
     * Checks every setting (known keys against their validators, pass-through client settings against the forced
     * ones, distinct topics) and returns the configuration.
     *
     * @param props the raw settings
     * @return the configuration
     * @throws InvalidConfigException listing every problem with its key, value and rule
     */
    public static UnlearnWorkerConfig load(Map<String, ?> props) {
        List<String> problems = SettingsCheck.problems(CONFIG, props, "the worker", FORCED_CONSUMER,
                FORCED_PRODUCER, List.of(BATCHES_TOPIC_CONFIG, CANDIDATES_TOPIC_CONFIG, REQUEST_STATUS_TOPIC_CONFIG,
                DEAD_LETTER_TOPIC_CONFIG));
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return new UnlearnWorkerConfig(props);
    }

    /** @return the configuration reference as an HTML table ({@code --print-config-docs}) */
    public static String toHtml() {
        return CONFIG.toHtml();
    }

    /** @return {@code bootstrap.servers} */
    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS_CONFIG);
    }

    /** @return {@code schema.registry.url} */
    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL_CONFIG);
    }

    /** @return {@code model.registry.url} */
    public String modelRegistryUrl() {
        return getString(MODEL_REGISTRY_URL_CONFIG);
    }

    /** @return {@code model.registry.auth.token}, or null when not set */
    public String modelRegistryToken() {
        Password token = getPassword(MODEL_REGISTRY_AUTH_TOKEN_CONFIG);
        // blank is unset: a deployment template passes an empty variable rather than none
        return token == null || token.value().isBlank() ? null : token.value();
    }

    /** @return {@code artifact.dir} */
    public Path artifactDir() {
        return Path.of(getString(ARTIFACT_DIR_CONFIG));
    }

    /** @return the consumer group, {@code worker.id} */
    public String workerId() {
        return getString(WORKER_ID_CONFIG);
    }

    /** @return {@code <worker.id>.<instance.id>} */
    public String transactionalId() {
        return workerId() + "." + getString(INSTANCE_ID_CONFIG);
    }

    /** @return {@code http.host} */
    public String httpHost() {
        return getString(HTTP_HOST_CONFIG);
    }

    /** @return {@code http.port} */
    public int httpPort() {
        return getInt(HTTP_PORT_CONFIG);
    }

    /** @return {@code batches.topic} */
    public String batchesTopic() {
        return getString(BATCHES_TOPIC_CONFIG);
    }

    /** @return {@code candidates.topic} */
    public String candidatesTopic() {
        return getString(CANDIDATES_TOPIC_CONFIG);
    }

    /** @return {@code request.status.topic} */
    public String requestStatusTopic() {
        return getString(REQUEST_STATUS_TOPIC_CONFIG);
    }

    /** @return {@code dead.letter.topic} */
    public String deadLetterTopic() {
        return getString(DEAD_LETTER_TOPIC_CONFIG);
    }

    /** @return {@code verdict.poll.ms} */
    public Duration verdictPoll() {
        return Duration.ofMillis(getLong(VERDICT_POLL_MS_CONFIG));
    }

    /** @return {@code retry.backoff.ms} */
    public Duration retryBackoff() {
        return Duration.ofMillis(getLong(RETRY_BACKOFF_MS_CONFIG));
    }

    /** @return {@code poll.timeout.ms} */
    public Duration pollTimeout() {
        return Duration.ofMillis(getLong(POLL_TIMEOUT_MS_CONFIG));
    }

    /** @return {@code task.timeout.ms} */
    public Duration taskTimeout() {
        return Duration.ofMillis(getLong(TASK_TIMEOUT_MS_CONFIG));
    }

    /** @return {@code task.retry.timeout.ms} */
    public Duration taskRetryTimeout() {
        return Duration.ofMillis(getLong(TASK_RETRY_TIMEOUT_MS_CONFIG));
    }

    /** @return {@code shutdown.timeout.ms} */
    public Duration shutdownTimeout() {
        return Duration.ofMillis(getLong(SHUTDOWN_TIMEOUT_MS_CONFIG));
    }

    /**
     * What every consumer of the service gets besides its forced settings: the Kafka security settings
     * ({@link ClientSecurity#kafkaSettings}), overridden by the user's {@code consumer.}-prefixed settings (prefix
     * removed).
     */
    public Map<String, Object> consumerOverrides() {
        Map<String, Object> settings = ClientSecurity.kafkaSettings(this);
        settings.putAll(originalsWithPrefix("consumer."));
        return settings;
    }

    /**
     * What every producer of the service gets besides its forced settings: the Kafka security settings, overridden
     * by the user's {@code producer.}-prefixed settings (prefix removed).
     */
    public Map<String, Object> producerOverrides() {
        Map<String, Object> settings = ClientSecurity.kafkaSettings(this);
        settings.putAll(originalsWithPrefix("producer."));
        return settings;
    }

    /** @return every key with its type, default, validator and doc; {@code docs/config.md} is generated from it */
    public static ConfigDef configDef() {
        return CONFIG;
    }
}
