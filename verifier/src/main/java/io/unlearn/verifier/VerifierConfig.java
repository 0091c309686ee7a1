package io.unlearn.verifier;

import io.unlearn.kit.config.ClientSecurity;
import io.unlearn.kit.config.SettingsCheck;
import io.unlearn.schemas.Topics;
import io.unlearn.unlearning.spi.EvaluationSettings;
import io.unlearn.unlearning.spi.TrainingRecipe;
import io.unlearn.verifier.errors.InvalidConfigException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Configuration of the verifier. Every default runs on one machine: broker on localhost:9092, schema registry on
 * localhost:8081, model-registry on localhost:8082, the artifact directory the model-registry uses by default.
 * Build it with {@link #load}, which checks every key before any network call and reports all problems at once.
 *
 * <p>Kafka client settings pass through with a {@code consumer.} or {@code producer.} prefix, except the ones the
 * verifier forces for exactly-once verdicts (see {@link #FORCED_CONSUMER} and {@link #FORCED_PRODUCER}).
 */
public final class VerifierConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    private static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers to connect to, host:port[,host:port...].";

    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    private static final String SCHEMA_REGISTRY_URL_DOC = "Base URL of the Confluent-compatible schema registry"
            + " (for Apicurio: http://host:port/apis/ccompat/v7).";

    public static final String MODEL_REGISTRY_URL_CONFIG = "model.registry.url";
    private static final String MODEL_REGISTRY_URL_DOC = "Base URL of the model-registry's REST API, where each"
            + " candidate's model, policy, dataset and parent digest are read (GET /models/{id}).";

    public static final String MODEL_REGISTRY_AUTH_TOKEN_CONFIG = "model.registry.auth.token";
    private static final String MODEL_REGISTRY_AUTH_TOKEN_DOC = "The model-registry's http.auth.token, sent as a"
            + " bearer token with every read; needed only when the registry runs with http.auth.reads=token."
            + " Never logged. No default.";

    public static final String ARTIFACT_DIR_CONFIG = "artifact.dir";
    private static final String ARTIFACT_DIR_DOC = "Directory of the content-addressed artifact store the worker"
            + " writes candidates to and the model-registry writes bases to. Default: unlearn/artifacts under the"
            + " system temp directory (the model-registry's default).";

    public static final String VERIFIER_ID_CONFIG = "verifier.id";
    private static final String VERIFIER_ID_DOC = "Consumer group id of the verifiers and prefix of their"
            + " transactional ids; instances with the same id share the candidates' partitions.";

    public static final String HTTP_HOST_CONFIG = "http.host";
    private static final String HTTP_HOST_DOC = "Address the /health and /metrics endpoint binds to.";

    public static final String HTTP_PORT_CONFIG = "http.port";
    private static final String HTTP_PORT_DOC = "Port of the /health and /metrics endpoint; 0 picks a free port.";

    public static final String CANDIDATES_TOPIC_CONFIG = "candidates.topic";
    private static final String CANDIDATES_TOPIC_DOC = "Topic the unlearn-worker publishes candidate versions to.";

    public static final String VERIFICATIONS_TOPIC_CONFIG = "verifications.topic";
    private static final String VERIFICATIONS_TOPIC_DOC = "Topic the verifier publishes verification results to.";

    public static final String BATCHES_TOPIC_CONFIG = "batches.topic";
    private static final String BATCHES_TOPIC_DOC = "Topic of unlearning batches; the verifier re-issues a failed"
            + " batch's next attempt here.";

    public static final String REQUEST_STATUS_TOPIC_CONFIG = "request.status.topic";
    private static final String REQUEST_STATUS_TOPIC_DOC = "Topic of deletion-request status changes.";

    public static final String DEAD_LETTER_TOPIC_CONFIG = "dead.letter.topic";
    private static final String DEAD_LETTER_TOPIC_DOC = "Topic for candidate records that cannot be decoded, with"
            + " __unlearn.errors.* headers.";

    public static final String MIA_MAX_MEMBERS_CONFIG = "evaluation.mia.max.members";
    private static final String MIA_MAX_MEMBERS_DOC = "At most this many forget-set samples (and as many"
            + " non-members) enter the membership-inference attack.";

    public static final String MIA_FOLDS_CONFIG = "evaluation.mia.folds";
    private static final String MIA_FOLDS_DOC = "Stratified folds of the membership-inference attack.";

    public static final String RETAIN_SAMPLES_CONFIG = "evaluation.retain.samples";
    private static final String RETAIN_SAMPLES_DOC = "Retain accuracy is measured on at most this many retain-set"
            + " samples (a fixed random subset); 0 = all.";

    public static final String EVALUATION_SEED_CONFIG = "evaluation.seed";
    private static final String EVALUATION_SEED_DOC = "Sampling seed of the evaluation (retain subset, attack folds).";

    public static final String REFERENCE_EPOCHS_CONFIG = "reference.epochs";
    private static final String REFERENCE_EPOCHS_DOC = "Epochs of the retrained reference, built when a threshold"
            + " names a gap metric (average.gap, <metric>.gap), where the policy sets no retrain.epochs (the"
            + " setting the worker's exact retraining reads too); the seed is always the parent's.";

    public static final String REFERENCE_BATCH_SIZE_CONFIG = "reference.batch.size";
    private static final String REFERENCE_BATCH_SIZE_DOC = "Samples per step of the retrained reference, where the"
            + " policy sets no retrain.batchSize.";

    public static final String REFERENCE_LEARNING_RATE_CONFIG = "reference.learning.rate";
    private static final String REFERENCE_LEARNING_RATE_DOC = "Adam learning rate of the retrained reference, where the"
            + " policy sets no retrain.learningRate.";

    public static final String RETRY_BACKOFF_MS_CONFIG = "retry.backoff.ms";
    private static final String RETRY_BACKOFF_MS_DOC = "How long a candidate waits before it is tried again when the"
            + " model-registry is unreachable or the dataset is missing, in milliseconds. Default 5 seconds.";

    public static final String POLL_TIMEOUT_MS_CONFIG = "poll.timeout.ms";
    private static final String POLL_TIMEOUT_MS_DOC = "Longest wait of one consumer poll, in milliseconds; bounds"
            + " how late a finished verification or a shutdown is noticed. Default 200.";

    public static final String TASK_TIMEOUT_MS_CONFIG = "task.timeout.ms";
    private static final String TASK_TIMEOUT_MS_DOC = "Longest one candidate's verification may run, in milliseconds; after"
            + " that it is stopped, its requests end FAILED with the reason and the candidate goes to the dead-letter"
            + " topic, so a hung task never blocks the other models. Default 2 hours.";

    public static final String TASK_RETRY_TIMEOUT_MS_CONFIG = "task.retry.timeout.ms";
    private static final String TASK_RETRY_TIMEOUT_MS_DOC = "How long a candidate may keep waiting (a dependency down,"
            + " an unreadable artifact, a verdict that does not come), in milliseconds from its first try in this"
            + " process; after that its requests end FAILED with what it waited for and the candidate goes to the"
            + " dead-letter topic. Default 6 hours.";

    public static final String SHUTDOWN_TIMEOUT_MS_CONFIG = "shutdown.timeout.ms";
    private static final String SHUTDOWN_TIMEOUT_MS_DOC = "How long a graceful shutdown waits for a running"
            + " verification to finish and commit, in milliseconds; after that it is abandoned and redone on the next"
            + " start. Default 30 seconds.";

    /** Consumer settings the verifier sets itself; a user value would break exactly-once verdicts. */
    public static final Map<String, String> FORCED_CONSUMER = Map.of(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "only committed candidates may be verified (read_committed)",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "offsets commit inside the verdict's transaction",
            ConsumerConfig.GROUP_ID_CONFIG, "set verifier.id instead",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "keys are strings, values raw bytes decoded by the verifier",
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "values are decoded by the verifier so bad ones reach the"
                    + " dead-letter topic untouched");
    /** Producer settings the verifier sets itself. */
    public static final Map<String, String> FORCED_PRODUCER = Map.of(
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "derived from verifier.id",
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
    private static final Rule POSITIVE = new Rule("a number > 0", v -> {
        try {
            return Double.parseDouble(v) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    });

    public static final String DEFAULT_ARTIFACT_DIR =
            Path.of(System.getProperty("java.io.tmpdir"), "unlearn", "artifacts").toString();

    private static final EvaluationSettings EVAL = EvaluationSettings.defaults();
    private static final TrainingRecipe RECIPE = TrainingRecipe.defaults();

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
            .define(VERIFIER_ID_CONFIG, Type.STRING, "verifier", NON_BLANK, Importance.MEDIUM, VERIFIER_ID_DOC)
            .define(HTTP_HOST_CONFIG, Type.STRING, "127.0.0.1", NON_BLANK, Importance.MEDIUM, HTTP_HOST_DOC)
            .define(HTTP_PORT_CONFIG, Type.INT, 8084, Range.between(0, 65535), Importance.MEDIUM, HTTP_PORT_DOC)
            .define(CANDIDATES_TOPIC_CONFIG, Type.STRING, Topics.CANDIDATES.name(), TOPIC_NAME, Importance.LOW,
                    CANDIDATES_TOPIC_DOC)
            .define(VERIFICATIONS_TOPIC_CONFIG, Type.STRING, Topics.VERIFICATIONS.name(), TOPIC_NAME, Importance.LOW,
                    VERIFICATIONS_TOPIC_DOC)
            .define(BATCHES_TOPIC_CONFIG, Type.STRING, Topics.BATCHES.name(), TOPIC_NAME, Importance.LOW,
                    BATCHES_TOPIC_DOC)
            .define(REQUEST_STATUS_TOPIC_CONFIG, Type.STRING, Topics.REQUEST_STATUS.name(), TOPIC_NAME,
                    Importance.LOW, REQUEST_STATUS_TOPIC_DOC)
            .define(DEAD_LETTER_TOPIC_CONFIG, Type.STRING, Topics.DEAD_LETTER, TOPIC_NAME, Importance.LOW,
                    DEAD_LETTER_TOPIC_DOC)
            .define(MIA_MAX_MEMBERS_CONFIG, Type.INT, EVAL.miaMaxMembers(), Range.atLeast(2), Importance.LOW,
                    MIA_MAX_MEMBERS_DOC)
            .define(MIA_FOLDS_CONFIG, Type.INT, EVAL.miaFolds(), Range.between(2, 100), Importance.LOW,
                    MIA_FOLDS_DOC)
            .define(RETAIN_SAMPLES_CONFIG, Type.INT, EVAL.retainSamples(), Range.atLeast(0), Importance.LOW,
                    RETAIN_SAMPLES_DOC)
            .define(EVALUATION_SEED_CONFIG, Type.LONG, EVAL.seed(), Importance.LOW, EVALUATION_SEED_DOC)
            .define(REFERENCE_EPOCHS_CONFIG, Type.INT, RECIPE.epochs(), Range.between(1, 1000), Importance.LOW,
                    REFERENCE_EPOCHS_DOC)
            .define(REFERENCE_BATCH_SIZE_CONFIG, Type.INT, RECIPE.batchSize(), Range.between(1, 1 << 16),
                    Importance.LOW, REFERENCE_BATCH_SIZE_DOC)
            .define(REFERENCE_LEARNING_RATE_CONFIG, Type.DOUBLE, (double) RECIPE.learningRate(), POSITIVE,
                    Importance.LOW, REFERENCE_LEARNING_RATE_DOC)
            .define(RETRY_BACKOFF_MS_CONFIG, Type.LONG, 5_000L, Range.between(10, 600_000), Importance.LOW,
                    RETRY_BACKOFF_MS_DOC)
            .define(POLL_TIMEOUT_MS_CONFIG, Type.LONG, 200L, Range.between(10, 10_000), Importance.LOW,
                    POLL_TIMEOUT_MS_DOC)
            .define(SHUTDOWN_TIMEOUT_MS_CONFIG, Type.LONG, 30_000L, Range.atLeast(0), Importance.LOW,
                    SHUTDOWN_TIMEOUT_MS_DOC)
            .define(TASK_TIMEOUT_MS_CONFIG, Type.LONG, 7_200_000L, Range.atLeast(1_000), Importance.MEDIUM,
                    TASK_TIMEOUT_MS_DOC)
            .define(TASK_RETRY_TIMEOUT_MS_CONFIG, Type.LONG, 21_600_000L, Range.atLeast(1_000), Importance.MEDIUM,
                    TASK_RETRY_TIMEOUT_MS_DOC);

    private VerifierConfig(Map<String, ?> props) {
        super(CONFIG, props, false);
    }

    /**
     * Checks every setting (known keys against their validators, pass-through client settings against the forced
     * ones, cross-key rules) and returns the configuration, or throws {@link InvalidConfigException} listing every
     * problem with its key, value and rule.
     */
    public static VerifierConfig load(Map<String, ?> props) {
        List<String> problems = new ArrayList<>(SettingsCheck.problems(CONFIG, props, "the verifier", FORCED_CONSUMER,
                FORCED_PRODUCER, List.of(CANDIDATES_TOPIC_CONFIG, VERIFICATIONS_TOPIC_CONFIG, BATCHES_TOPIC_CONFIG,
                REQUEST_STATUS_TOPIC_CONFIG, DEAD_LETTER_TOPIC_CONFIG)));
        Object members = props.get(MIA_MAX_MEMBERS_CONFIG);
        Object folds = props.get(MIA_FOLDS_CONFIG);
        if (members != null && folds != null) {
            try {
                if (Integer.parseInt(members.toString().trim()) < Integer.parseInt(folds.toString().trim())) {
                    problems.add(MIA_MAX_MEMBERS_CONFIG + "=" + members + ": must be at least " + MIA_FOLDS_CONFIG
                            + "=" + folds + ", or some attack folds would hold no member");
                }
            } catch (NumberFormatException e) {
                // already reported by the type check above
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return new VerifierConfig(props);
    }

    /** The configuration reference as an HTML table (VerifierApp --print-config-docs). */
    public static String toHtml() {
        return CONFIG.toHtml();
    }

    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS_CONFIG);
    }

    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL_CONFIG);
    }

    public String modelRegistryUrl() {
        return getString(MODEL_REGISTRY_URL_CONFIG);
    }

    /** @return {@code model.registry.auth.token}, or null when not set */
    public String modelRegistryToken() {
        Password token = getPassword(MODEL_REGISTRY_AUTH_TOKEN_CONFIG);
        // blank is unset: a deployment template passes an empty variable rather than none
        return token == null || token.value().isBlank() ? null : token.value();
    }

    public Path artifactDir() {
        return Path.of(getString(ARTIFACT_DIR_CONFIG));
    }

    public String verifierId() {
        return getString(VERIFIER_ID_CONFIG);
    }

    public String httpHost() {
        return getString(HTTP_HOST_CONFIG);
    }

    public int httpPort() {
        return getInt(HTTP_PORT_CONFIG);
    }

    public String candidatesTopic() {
        return getString(CANDIDATES_TOPIC_CONFIG);
    }

    public String verificationsTopic() {
        return getString(VERIFICATIONS_TOPIC_CONFIG);
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

    /** What each evaluation computes (no linear probe: the classifier policies do not name it). */
    public EvaluationSettings evaluationSettings() {
        return new EvaluationSettings(getInt(MIA_MAX_MEMBERS_CONFIG), getInt(MIA_FOLDS_CONFIG),
                getInt(RETAIN_SAMPLES_CONFIG), false, EVAL.probeTrainSamples(), getLong(EVALUATION_SEED_CONFIG));
    }

    /** @return {@code task.timeout.ms} */
    public Duration taskTimeout() {
        return Duration.ofMillis(getLong(TASK_TIMEOUT_MS_CONFIG));
    }

    /** @return {@code task.retry.timeout.ms} */
    public Duration taskRetryTimeout() {
        return Duration.ofMillis(getLong(TASK_RETRY_TIMEOUT_MS_CONFIG));
    }

    /** The retrained reference's recipe; {@code Retrain} replaces the seed with the parent's. */
    public TrainingRecipe referenceRecipe() {
        return new TrainingRecipe(getInt(REFERENCE_EPOCHS_CONFIG), getInt(REFERENCE_BATCH_SIZE_CONFIG),
                getDouble(REFERENCE_LEARNING_RATE_CONFIG).floatValue(), RECIPE.seed());
    }

    public Duration retryBackoff() {
        return Duration.ofMillis(getLong(RETRY_BACKOFF_MS_CONFIG));
    }

    public Duration pollTimeout() {
        return Duration.ofMillis(getLong(POLL_TIMEOUT_MS_CONFIG));
    }

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
