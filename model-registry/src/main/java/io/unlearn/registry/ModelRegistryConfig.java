package io.unlearn.registry;

import io.unlearn.kit.config.ClientSecurity;
import io.unlearn.kit.config.SettingsCheck;
import io.unlearn.kit.receipts.ReceiptKeys;
import io.unlearn.registry.errors.InvalidConfigException;
import io.unlearn.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Configuration of the model registry. Every default runs on one machine (broker on localhost:9092, schema
 * registry on localhost:8081, artifacts under the system temp directory). Build it with {@link #load}, which
 * checks every key before any network call and reports all problems at once.
 *
 * <p>Kafka client settings pass through with a {@code consumer.} or {@code producer.} prefix, except the ones the
 * registry forces for exactly-once recording (see {@link #FORCED_CONSUMER} and {@link #FORCED_PRODUCER}).
 */
public final class ModelRegistryConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    private static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers to connect to, host:port[,host:port...].";

    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    private static final String SCHEMA_REGISTRY_URL_DOC = "Base URL of the Confluent-compatible schema registry"
            + " (for Apicurio: http://host:port/apis/ccompat/v7).";

    public static final String REGISTRY_ID_CONFIG = "registry.id";
    private static final String REGISTRY_ID_DOC = "Identity of this registry: its consumer group id and the prefix of"
            + " its transactional id. Two instances with the same id fence each other, which keeps a single writer"
            + " of the lineage log.";

    public static final String HTTP_HOST_CONFIG = "http.host";
    private static final String HTTP_HOST_DOC = "Address the REST API binds to.";

    /** Shortest accepted {@code http.auth.token}: a guessable token is no credential. */
    public static final int MIN_TOKEN_LENGTH = 16;

    public static final String HTTP_AUTH_TOKEN_CONFIG = "http.auth.token";
    private static final String HTTP_AUTH_TOKEN_DOC = "Bearer token a client must send (Authorization: Bearer"
            + " <token>) to change state (POST /models) and, with http.auth.reads=token, to read. At least "
            + MIN_TOKEN_LENGTH + " characters; never logged. Required unless"
            + " http.auth.disabled=true: the registry refuses to start without it. No default.";

    public static final String HTTP_AUTH_DISABLED_CONFIG = "http.auth.disabled";
    private static final String HTTP_AUTH_DISABLED_DOC = "true lets anyone who reaches the REST API register"
            + " models (and so have their artifacts loaded as code by the worker and verifier); only for a registry"
            + " bound to a loopback address on a machine you trust. Must not be combined with http.auth.token."
            + " Default false.";

    public static final String HTTP_AUTH_READS_CONFIG = "http.auth.reads";
    private static final String HTTP_AUTH_READS_DOC = "Whether reads need the token too: open (anyone may GET) or"
            + " token (every path but /health needs http.auth.token; the web page then cannot load its data, and"
            + " the worker and verifier need model.registry.auth.token). Default open.";

    public static final String RECEIPT_SIGNING_KEY_FILE_CONFIG = "receipt.signing.key.file";
    private static final String RECEIPT_SIGNING_KEY_FILE_DOC = "Ed25519 private key (PKCS#8 PEM, e.g. from openssl"
            + " genpkey -algorithm ed25519 -out receipt-key.pem) the registry signs deletion receipts with"
            + " (GET /requests/{id}/receipt; its public key at GET /receipt-key). Keep it readable by the registry"
            + " only, and keep it: receipts are verified against its public key. No default: without it the registry"
            + " runs but issues no receipts (both paths answer 503 and say why); it never makes a key itself.";

    public static final String HTTP_PORT_CONFIG = "http.port";
    private static final String HTTP_PORT_DOC = "Port of the REST API; 0 picks a free port.";

    public static final String ARTIFACT_DIR_CONFIG = "artifact.dir";
    private static final String ARTIFACT_DIR_DOC = "Directory of the content-addressed artifact store, shared with"
            + " the unlearn worker on one machine. Default: unlearn/artifacts under the system temp directory.";

    public static final String ARTIFACT_MAX_BYTES_CONFIG = "artifact.max.bytes";
    private static final String ARTIFACT_MAX_BYTES_DOC = "Largest base-model artifact accepted by POST /models, in"
            + " bytes after base64 decoding. Default 64 MiB.";

    public static final String LINEAGE_TOPIC_CONFIG = "lineage.topic";
    private static final String LINEAGE_TOPIC_DOC = "Topic of the lineage log (created with infinite retention).";

    public static final String CANDIDATES_TOPIC_CONFIG = "candidates.topic";
    private static final String CANDIDATES_TOPIC_DOC = "Topic the unlearn worker publishes candidate versions to.";

    public static final String VERIFICATIONS_TOPIC_CONFIG = "verifications.topic";
    private static final String VERIFICATIONS_TOPIC_DOC = "Topic the verifier publishes verification results to.";

    public static final String REQUEST_STATUS_TOPIC_CONFIG = "request.status.topic";
    private static final String REQUEST_STATUS_TOPIC_DOC = "Topic of deletion-request status changes.";

    public static final String TRAINING_MANIFEST_TOPIC_CONFIG = "training.manifest.topic";
    private static final String TRAINING_MANIFEST_TOPIC_DOC = "Compacted topic of training-manifest entries,"
            + " keyed by subject id.";

    public static final String MODELS_TOPIC_CONFIG = "models.topic";
    private static final String MODELS_TOPIC_DOC = "Compacted topic of registered models with their family, keyed by"
            + " model id; the stream-processor reads it to know which deletion scopes each model serves.";

    public static final String DEAD_LETTER_TOPIC_CONFIG = "dead.letter.topic";
    private static final String DEAD_LETTER_TOPIC_DOC = "Topic for inputs the registry can never record, with"
            + " __unlearn.errors.* headers.";

    public static final String TOPIC_PARTITIONS_CONFIG = "topic.partitions";
    private static final String TOPIC_PARTITIONS_DOC = "Partitions of the topics the registry creates when they are"
            + " missing.";

    public static final String TOPIC_REPLICATION_FACTOR_CONFIG = "topic.replication.factor";
    private static final String TOPIC_REPLICATION_FACTOR_DOC = "Replication factor of the topics the registry"
            + " creates when they are missing; 1 on one machine, 3 in production.";

    public static final String STARTUP_TIMEOUT_MS_CONFIG = "startup.timeout.ms";
    private static final String STARTUP_TIMEOUT_MS_DOC = "How long start-up may take to reach the broker and replay"
            + " the lineage log, in milliseconds. Default 2 minutes.";

    public static final String REGISTRATION_TIMEOUT_MS_CONFIG = "registration.timeout.ms";
    private static final String REGISTRATION_TIMEOUT_MS_DOC = "How long POST /models waits for its events to be"
            + " committed and visible, in milliseconds. Default 30 seconds.";

    public static final String CANDIDATE_WAIT_MS_CONFIG = "verification.candidate.wait.ms";
    private static final String CANDIDATE_WAIT_MS_DOC = "How long a verification result waits for its candidate"
            + " to be recorded before it goes to the dead-letter topic, in milliseconds. Default 1 minute.";

    public static final String POLL_TIMEOUT_MS_CONFIG = "poll.timeout.ms";
    private static final String POLL_TIMEOUT_MS_DOC = "Longest wait of one consumer poll, in milliseconds; bounds"
            + " how late a registration or shutdown is noticed. Default 200.";

    /** Consumer settings the registry sets itself; a user value would break exactly-once recording or replay. */
    public static final Map<String, String> FORCED_CONSUMER = Map.of(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "only committed lineage may enter the state (read_committed)",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "offsets commit inside the lineage transaction",
            ConsumerConfig.GROUP_ID_CONFIG, "set registry.id instead",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "keys are strings, values raw bytes decoded by the registry",
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "values are decoded by the registry so bad ones reach the"
                    + " dead-letter topic untouched");
    /** Producer settings the registry sets itself. */
    public static final Map<String, String> FORCED_PRODUCER = Map.of(
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "derived from registry.id; it fences older instances",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "transactions need idempotence",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "keys are strings",
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
    private static final Rule NON_BLANK = new Rule("non-blank", v -> !v.isBlank());
    private static final Rule HTTP_URL = new Rule("an http:// or https:// URL", v -> v.matches("https?://\\S+"));

    /** Checks the token's length without ever putting the token into a message. */
    private static final ConfigDef.Validator TOKEN = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            if (value instanceof Password p && (p.value().strip().length() < MIN_TOKEN_LENGTH
                    || !p.value().equals(p.value().strip()))) {
                throw new ConfigException(name, value, "at least " + MIN_TOKEN_LENGTH
                        + " characters, without leading or trailing blanks (e.g. openssl rand -hex 32)");
            }
        }

        @Override
        public String toString() {
            return "at least " + MIN_TOKEN_LENGTH + " characters";
        }
    };

    public static final String DEFAULT_ARTIFACT_DIR =
            Path.of(System.getProperty("java.io.tmpdir"), "unlearn", "artifacts").toString();

    static final ConfigDef CONFIG = ClientSecurity.define(new ConfigDef())
            .define(BOOTSTRAP_SERVERS_CONFIG, Type.STRING, "localhost:9092", NON_BLANK, Importance.HIGH,
                    BOOTSTRAP_SERVERS_DOC)
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, "http://localhost:8081/apis/ccompat/v7", HTTP_URL, Importance.HIGH,
                    SCHEMA_REGISTRY_URL_DOC)
            .define(ARTIFACT_DIR_CONFIG, Type.STRING, DEFAULT_ARTIFACT_DIR, NON_BLANK, Importance.HIGH,
                    ARTIFACT_DIR_DOC)
            .define(HTTP_HOST_CONFIG, Type.STRING, "127.0.0.1", NON_BLANK, Importance.MEDIUM, HTTP_HOST_DOC)
            .define(HTTP_AUTH_TOKEN_CONFIG, Type.PASSWORD, null, TOKEN, Importance.HIGH,
                    HTTP_AUTH_TOKEN_DOC)
            .define(HTTP_AUTH_DISABLED_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM, HTTP_AUTH_DISABLED_DOC)
            .define(HTTP_AUTH_READS_CONFIG, Type.STRING, ReadAccess.OPEN.value(), ConfigDef.ValidString.in(
                    ReadAccess.OPEN.value(), ReadAccess.TOKEN.value()), Importance.MEDIUM, HTTP_AUTH_READS_DOC)
            .define(RECEIPT_SIGNING_KEY_FILE_CONFIG, Type.STRING, null, Importance.MEDIUM,
                    RECEIPT_SIGNING_KEY_FILE_DOC)
            .define(HTTP_PORT_CONFIG, Type.INT, 8082, Range.between(0, 65535), Importance.MEDIUM, HTTP_PORT_DOC)
            .define(REGISTRY_ID_CONFIG, Type.STRING, "model-registry", NON_BLANK, Importance.MEDIUM, REGISTRY_ID_DOC)
            .define(ARTIFACT_MAX_BYTES_CONFIG, Type.LONG, 64L * 1024 * 1024, Range.between(1, Integer.MAX_VALUE - 16),
                    Importance.LOW, ARTIFACT_MAX_BYTES_DOC)
            .define(LINEAGE_TOPIC_CONFIG, Type.STRING, Topics.LINEAGE.name(), TOPIC_NAME, Importance.LOW,
                    LINEAGE_TOPIC_DOC)
            .define(CANDIDATES_TOPIC_CONFIG, Type.STRING, Topics.CANDIDATES.name(), TOPIC_NAME, Importance.LOW,
                    CANDIDATES_TOPIC_DOC)
            .define(VERIFICATIONS_TOPIC_CONFIG, Type.STRING, Topics.VERIFICATIONS.name(), TOPIC_NAME, Importance.LOW,
                    VERIFICATIONS_TOPIC_DOC)
            .define(REQUEST_STATUS_TOPIC_CONFIG, Type.STRING, Topics.REQUEST_STATUS.name(), TOPIC_NAME,
                    Importance.LOW, REQUEST_STATUS_TOPIC_DOC)
            .define(TRAINING_MANIFEST_TOPIC_CONFIG, Type.STRING, Topics.TRAINING_MANIFEST.name(), TOPIC_NAME,
                    Importance.LOW, TRAINING_MANIFEST_TOPIC_DOC)
            .define(MODELS_TOPIC_CONFIG, Type.STRING, Topics.MODELS.name(), TOPIC_NAME, Importance.LOW,
                    MODELS_TOPIC_DOC)
            .define(DEAD_LETTER_TOPIC_CONFIG, Type.STRING, Topics.DEAD_LETTER, TOPIC_NAME, Importance.LOW,
                    DEAD_LETTER_TOPIC_DOC)
            .define(TOPIC_PARTITIONS_CONFIG, Type.INT, 1, Range.between(1, 1000), Importance.LOW,
                    TOPIC_PARTITIONS_DOC)
            .define(TOPIC_REPLICATION_FACTOR_CONFIG, Type.SHORT, (short) 1, Range.between(1, 10), Importance.LOW,
                    TOPIC_REPLICATION_FACTOR_DOC)
            .define(STARTUP_TIMEOUT_MS_CONFIG, Type.LONG, 120_000L, Range.atLeast(1_000), Importance.LOW,
                    STARTUP_TIMEOUT_MS_DOC)
            .define(REGISTRATION_TIMEOUT_MS_CONFIG, Type.LONG, 30_000L, Range.atLeast(100), Importance.LOW,
                    REGISTRATION_TIMEOUT_MS_DOC)
            .define(CANDIDATE_WAIT_MS_CONFIG, Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW,
                    CANDIDATE_WAIT_MS_DOC)
            .define(POLL_TIMEOUT_MS_CONFIG, Type.LONG, 200L, Range.between(10, 10_000), Importance.LOW,
                    POLL_TIMEOUT_MS_DOC);

    private ModelRegistryConfig(Map<String, ?> props) {
        super(CONFIG, props, false);
    }

    /**
     * Checks every setting (known keys against their validators, pass-through client settings against the forced
     * ones, cross-key rules) and returns the configuration, or throws {@link InvalidConfigException} listing every
     * problem with its key, value and rule.
     */
    public static ModelRegistryConfig load(Map<String, ?> props) {
        List<String> problems = new ArrayList<>(SettingsCheck.problems(CONFIG, props, "the registry", FORCED_CONSUMER,
                FORCED_PRODUCER, List.of(LINEAGE_TOPIC_CONFIG, CANDIDATES_TOPIC_CONFIG, VERIFICATIONS_TOPIC_CONFIG,
                REQUEST_STATUS_TOPIC_CONFIG, TRAINING_MANIFEST_TOPIC_CONFIG, DEAD_LETTER_TOPIC_CONFIG)));
        if (problems.isEmpty()) {
            ModelRegistryConfig config = new ModelRegistryConfig(props);
            problems.addAll(authProblems(config));
            problems.addAll(receiptKeyProblems(config));
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return new ModelRegistryConfig(props);
    }

    /**
     * A registry whose writes anyone may make must be asked for ({@code http.auth.disabled=true}); a missing token is
     * otherwise a start-up error, not a silently open API.
     */
    private static List<String> authProblems(ModelRegistryConfig config) {
        List<String> problems = new ArrayList<>();
        boolean hasToken = config.httpAuthToken().isPresent();
        if (!hasToken && !config.httpAuthDisabled()) {
            problems.add(HTTP_AUTH_TOKEN_CONFIG + ": not set; POST /models would let anyone who reaches the registry"
                    + " register a model (whose artifact the worker and verifier load as code). Set a token of at least "
                    + MIN_TOKEN_LENGTH + " characters (e.g. openssl rand -hex 32), or " + HTTP_AUTH_DISABLED_CONFIG
                    + "=true to run without one");
        }
        if (hasToken && config.httpAuthDisabled()) {
            problems.add(HTTP_AUTH_DISABLED_CONFIG + "=true: contradicts the " + HTTP_AUTH_TOKEN_CONFIG
                    + " that is also set; remove one of them");
        }
        if (config.httpAuthDisabled() && config.httpAuthReads() == ReadAccess.TOKEN) {
            problems.add(HTTP_AUTH_READS_CONFIG + "=" + ReadAccess.TOKEN.value() + ": needs " + HTTP_AUTH_TOKEN_CONFIG
                    + ", but " + HTTP_AUTH_DISABLED_CONFIG + "=true");
        }
        return problems;
    }

    /** A receipt key that is set must be readable and an Ed25519 key: a typo must not silently turn receipts off. */
    private static List<String> receiptKeyProblems(ModelRegistryConfig config) {
        Optional<Path> file = config.receiptSigningKeyFile();
        if (file.isEmpty()) {
            return List.of();
        }
        try {
            ReceiptKeys.load(file.get());
            return List.of();
        } catch (IOException e) {
            return List.of(RECEIPT_SIGNING_KEY_FILE_CONFIG + "=" + file.get() + ": cannot read it (" + e
                    + "); fix the path, or remove the key to run without receipts");
        } catch (IllegalArgumentException e) {
            return List.of(RECEIPT_SIGNING_KEY_FILE_CONFIG + "=" + file.get() + ": " + e.getMessage());
        }
    }

    /** The configuration reference as an HTML table (ModelRegistryApp --print-config-docs). */
    public static String toHtml() {
        return CONFIG.toHtml();
    }

    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS_CONFIG);
    }

    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL_CONFIG);
    }

    public String registryId() {
        return getString(REGISTRY_ID_CONFIG);
    }

    public String httpHost() {
        return getString(HTTP_HOST_CONFIG);
    }

    /** The token that writes (and, with {@link ReadAccess#TOKEN}, reads) need; empty when auth is disabled. */
    public Optional<String> httpAuthToken() {
        Password token = getPassword(HTTP_AUTH_TOKEN_CONFIG);
        return token == null ? Optional.empty() : Optional.of(token.value());
    }

    /** @return {@code http.auth.disabled} */
    public boolean httpAuthDisabled() {
        return getBoolean(HTTP_AUTH_DISABLED_CONFIG);
    }

    /** @return {@code http.auth.reads} */
    public ReadAccess httpAuthReads() {
        return ReadAccess.parse(getString(HTTP_AUTH_READS_CONFIG));
    }

    /** @return {@code receipt.signing.key.file}; empty when receipts are off */
    public Optional<Path> receiptSigningKeyFile() {
        String file = getString(RECEIPT_SIGNING_KEY_FILE_CONFIG);
        return file == null || file.isBlank() ? Optional.empty() : Optional.of(Path.of(file.strip()));
    }

    public int httpPort() {
        return getInt(HTTP_PORT_CONFIG);
    }

    public Path artifactDir() {
        return Path.of(getString(ARTIFACT_DIR_CONFIG));
    }

    public long artifactMaxBytes() {
        return getLong(ARTIFACT_MAX_BYTES_CONFIG);
    }

    public String lineageTopic() {
        return getString(LINEAGE_TOPIC_CONFIG);
    }

    public String candidatesTopic() {
        return getString(CANDIDATES_TOPIC_CONFIG);
    }

    public String verificationsTopic() {
        return getString(VERIFICATIONS_TOPIC_CONFIG);
    }

    public String requestStatusTopic() {
        return getString(REQUEST_STATUS_TOPIC_CONFIG);
    }

    public String trainingManifestTopic() {
        return getString(TRAINING_MANIFEST_TOPIC_CONFIG);
    }

    public String modelsTopic() {
        return getString(MODELS_TOPIC_CONFIG);
    }

    public String deadLetterTopic() {
        return getString(DEAD_LETTER_TOPIC_CONFIG);
    }

    public int topicPartitions() {
        return getInt(TOPIC_PARTITIONS_CONFIG);
    }

    public short topicReplicationFactor() {
        return getShort(TOPIC_REPLICATION_FACTOR_CONFIG);
    }

    public Duration startupTimeout() {
        return Duration.ofMillis(getLong(STARTUP_TIMEOUT_MS_CONFIG));
    }

    public Duration registrationTimeout() {
        return Duration.ofMillis(getLong(REGISTRATION_TIMEOUT_MS_CONFIG));
    }

    public Duration candidateWait() {
        return Duration.ofMillis(getLong(CANDIDATE_WAIT_MS_CONFIG));
    }

    public Duration pollTimeout() {
        return Duration.ofMillis(getLong(POLL_TIMEOUT_MS_CONFIG));
    }

    /** The admin client's settings: the brokers and the Kafka security settings. */
    public Map<String, Object> adminSettings() {
        Map<String, Object> settings = ClientSecurity.kafkaSettings(this);
        settings.put(BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return settings;
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
