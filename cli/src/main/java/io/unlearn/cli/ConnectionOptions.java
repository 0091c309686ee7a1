package io.unlearn.cli;

import io.unlearn.cli.errors.CliException;
import io.unlearn.kit.modelregistry.ModelRegistryClient;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where the services are, shared by every subcommand: each option falls back to an environment variable, then to
 * the one-laptop default. {@code --command-config} names a Kafka client properties file (security settings such as
 * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.location}),
 * as Kafka's own tools take it; {@code basic.auth.user.info=user:password} in it is the schema registry's login.
 */
public final class ConnectionOptions {

    /** Schema-registry credentials in the command config (Confluent's name); not passed to the Kafka clients. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

    /** How long a Kafka client waits for metadata before the CLI calls the cluster unreachable. */
    static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(15);

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:UNLEARN_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka brokers (env UNLEARN_BOOTSTRAP_SERVERS). Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(names = "--schema-registry", paramLabel = "URL",
            defaultValue = "${env:UNLEARN_SCHEMA_REGISTRY:-http://localhost:8081/apis/ccompat/v7}",
            description = "Schema registry, Confluent API (env UNLEARN_SCHEMA_REGISTRY). Default: ${DEFAULT-VALUE}.")
    String schemaRegistry;

    @Option(names = "--registry", paramLabel = "URL",
            defaultValue = "${env:UNLEARN_REGISTRY:-http://localhost:8082}",
            description = "Model-registry REST API (env UNLEARN_REGISTRY). Default: ${DEFAULT-VALUE}. A registry with"
                    + " http.auth.reads=token needs its token in env UNLEARN_REGISTRY_TOKEN (never an argument: ps"
                    + " would show it).")
    String registry;

    @Option(names = "--registry-token-file", paramLabel = "FILE", defaultValue = "${env:UNLEARN_REGISTRY_TOKEN_FILE}",
            description = "File holding the model-registry's token, e.g. a mounted secret (env"
                    + " UNLEARN_REGISTRY_TOKEN_FILE); without it the token comes from env UNLEARN_REGISTRY_TOKEN.")
    Path registryTokenFile;

    @Option(names = "--command-config", paramLabel = "FILE", defaultValue = "${env:UNLEARN_COMMAND_CONFIG}",
            description = "Kafka client properties (security etc.; env UNLEARN_COMMAND_CONFIG); "
                    + "basic.auth.user.info=user:password logs in to the schema registry.")
    Path commandConfig;

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String schemaRegistryUrl() {
        return schemaRegistry;
    }

    public String registryUrl() {
        return registry;
    }

    /** Settings for a Kafka producer: the command config, the brokers, and the settings the CLI forces. */
    public Map<String, Object> producerSettings() {
        Map<String, Object> settings = kafkaSettings();
        Object idempotence = settings.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        if (idempotence != null && !Boolean.parseBoolean(idempotence.toString())) {
            throw new CliException(ExitCodes.USAGE, commandConfig + ": enable.idempotence=false is not allowed; the CLI"
                    + " forces the idempotent producer so that a retried send never writes a request twice");
        }
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        settings.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
        return settings;
    }

    /** Settings for a consumer that reads committed records and never commits offsets (no group needed). */
    public Map<String, Object> consumerSettings() {
        Map<String, Object> settings = kafkaSettings();
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        return settings;
    }

    /** The schema registry, with the command config's credentials if any. */
    public SchemaRegistryClient schemaRegistryClient() {
        RestSchemaRegistryClient.Builder builder = RestSchemaRegistryClient.builder(schemaRegistry)
                .retries(2, Duration.ofMillis(200), Duration.ofSeconds(2));
        Object userInfo = commandConfig().get(BASIC_AUTH_USER_INFO);
        if (userInfo != null) {
            String text = userInfo.toString();
            int colon = text.indexOf(':');
            if (colon < 0) {
                throw new CliException(ExitCodes.USAGE, commandConfig + ": " + BASIC_AUTH_USER_INFO
                        + " must be user:password");
            }
            builder.basicAuth(text.substring(0, colon), text.substring(colon + 1));
        }
        return builder.build();
    }

    public ModelRegistryClient modelRegistryClient() {
        String token = System.getenv("UNLEARN_REGISTRY_TOKEN");
        if (registryTokenFile != null) {
            try {
                token = Files.readString(registryTokenFile).strip();
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read the registry token file " + registryTokenFile
                        + ": " + e);
            }
        }
        return new ModelRegistryClient(registry, token == null || token.isBlank() ? null : token.trim());
    }

    private Map<String, Object> kafkaSettings() {
        Map<String, Object> settings = new HashMap<>(commandConfig());
        settings.keySet().removeIf(k -> k.startsWith("basic.auth.") || k.startsWith("schema.registry."));
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, "unlearn-cli");
        return settings;
    }

    private Map<String, Object> commandConfig() {
        Map<String, Object> settings = new HashMap<>();
        if (commandConfig == null) {
            return settings;
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(commandConfig, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read --command-config " + commandConfig + ": " + e, e);
        }
        properties.stringPropertyNames().forEach(k -> settings.put(k, properties.getProperty(k)));
        return settings;
    }
}
