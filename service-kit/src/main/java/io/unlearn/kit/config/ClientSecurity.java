package io.unlearn.kit.config;

import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.utils.Utils;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The security settings every service shares, defined once here so that each service reaches a secured cluster
 * the same way:
 * <ul>
 *   <li>Kafka: {@code security.protocol} and Kafka's own client {@code sasl.*} and {@code ssl.*} keys (with Kafka's
 *       types, defaults and docs; passwords are {@link Type#PASSWORD}, so never logged). Whatever of them is set
 *       goes to every Kafka client of the service (consumers, producers, admin, Streams) through
 *       {@link #kafkaSettings}; a {@code consumer.}/{@code producer.} prefixed key still wins for its client.</li>
 *   <li>the schema registry: HTTP basic ({@code schema.registry.basic.auth.user.info}) or bearer
 *       ({@code schema.registry.bearer.auth.token}) credentials and a trust store for {@code https://}, applied by
 *       {@link #schemaRegistryClient}.</li>
 * </ul>
 * A service adds the keys to its {@link ConfigDef} with {@link #define} and its cross-key checks with
 * {@link #problems}.
 */
public final class ClientSecurity {

    public static final String SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_CONFIG = "schema.registry.basic.auth.user.info";
    private static final String SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_DOC = "user:password for HTTP basic"
            + " authentication to the schema registry (Confluent Cloud: API key:secret). Never logged. No default.";

    public static final String SCHEMA_REGISTRY_BEARER_AUTH_TOKEN_CONFIG = "schema.registry.bearer.auth.token";
    private static final String SCHEMA_REGISTRY_BEARER_AUTH_TOKEN_DOC = "Token sent to the schema registry as"
            + " Authorization: Bearer <token>; not together with schema.registry.basic.auth.user.info. Never logged."
            + " No default.";

    public static final String SCHEMA_REGISTRY_TRUSTSTORE_LOCATION_CONFIG = "schema.registry.ssl.truststore.location";
    private static final String SCHEMA_REGISTRY_TRUSTSTORE_LOCATION_DOC = "Trust store file for an https:// schema"
            + " registry whose certificate the JVM's default trust store does not trust (a private CA). No default:"
            + " the JVM's trust store.";

    public static final String SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD_CONFIG = "schema.registry.ssl.truststore.password";
    private static final String SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD_DOC = "Password of"
            + " schema.registry.ssl.truststore.location. Never logged. No default.";

    public static final String SCHEMA_REGISTRY_TRUSTSTORE_TYPE_CONFIG = "schema.registry.ssl.truststore.type";
    private static final String SCHEMA_REGISTRY_TRUSTSTORE_TYPE_DOC = "Format of"
            + " schema.registry.ssl.truststore.location (PKCS12 or JKS). Default PKCS12.";

    /** {@code user:password}: a colon, and a user before it. */
    private static final ConfigDef.Validator USER_INFO = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            if (value instanceof Password p && p.value().indexOf(':') < 1) {
                throw new ConfigException(name, value, "must be user:password");
            }
        }

        @Override
        public String toString() {
            return "user:password";
        }
    };

    private static final ConfigDef DEFINITION = define(new ConfigDef());
    /** The Kafka client keys among {@link #DEFINITION}, handed to every Kafka client. */
    private static final Set<String> KAFKA_KEYS = kafkaKeys();

    private ClientSecurity() {
    }

    /** Adds every shared security key to {@code definition}; returns it. */
    public static ConfigDef define(ConfigDef definition) {
        definition.define(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, Type.STRING,
                CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL,
                ConfigDef.CaseInsensitiveValidString.in(Utils.enumOptions(SecurityProtocol.class)), Importance.MEDIUM,
                CommonClientConfigs.SECURITY_PROTOCOL_DOC);
        SaslConfigs.addClientSaslSupport(definition);
        SslConfigs.addClientSslSupport(definition);
        return definition
                .define(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_CONFIG, Type.PASSWORD, null, USER_INFO, Importance.MEDIUM,
                        SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_DOC)
                .define(SCHEMA_REGISTRY_BEARER_AUTH_TOKEN_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                        SCHEMA_REGISTRY_BEARER_AUTH_TOKEN_DOC)
                .define(SCHEMA_REGISTRY_TRUSTSTORE_LOCATION_CONFIG, Type.STRING, null, Importance.LOW,
                        SCHEMA_REGISTRY_TRUSTSTORE_LOCATION_DOC)
                .define(SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.LOW,
                        SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD_DOC)
                .define(SCHEMA_REGISTRY_TRUSTSTORE_TYPE_CONFIG, Type.STRING, "PKCS12",
                        ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS"), Importance.LOW,
                        SCHEMA_REGISTRY_TRUSTSTORE_TYPE_DOC);
    }

    /** @return the shared keys alone, e.g. for the generated configuration reference */
    public static ConfigDef configDef() {
        return DEFINITION;
    }

    /** Whether {@code key} is one of the shared security keys. */
    public static boolean isSecurityKey(String key) {
        return DEFINITION.names().contains(key);
    }

    private static Set<String> kafkaKeys() {
        Set<String> keys = new TreeSet<>(DEFINITION.names());
        keys.removeIf(k -> k.startsWith("schema.registry."));
        return Set.copyOf(keys);
    }

    /**
     * The Kafka security settings given to the service (only those set, so that each client keeps its own
     * defaults for the rest), for every consumer, producer, admin and Streams instance it creates.
     */
    public static Map<String, Object> kafkaSettings(AbstractConfig config) {
        Map<String, Object> settings = new HashMap<>();
        config.originals().forEach((key, value) -> {
            if (KAFKA_KEYS.contains(key) && value != null) {
                settings.put(key, value);
            }
        });
        return settings;
    }

    /** Cross-key rules of the shared keys, one line per problem; passwords never appear in them. */
    public static List<String> problems(Map<String, ?> props) {
        List<String> problems = new ArrayList<>();
        if (props.get(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_CONFIG) != null
                && props.get(SCHEMA_REGISTRY_BEARER_AUTH_TOKEN_CONFIG) != null) {
            problems.add(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_CONFIG + " and " + SCHEMA_REGISTRY_BEARER_AUTH_TOKEN_CONFIG
                    + " are both set; the schema registry takes one credential, remove the other");
        }
        Object location = props.get(SCHEMA_REGISTRY_TRUSTSTORE_LOCATION_CONFIG);
        if (location != null && !Files.isReadable(Path.of(location.toString()))) {
            problems.add(SCHEMA_REGISTRY_TRUSTSTORE_LOCATION_CONFIG + "=" + location + ": no readable file there");
        }
        if (location == null && props.get(SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD_CONFIG) != null) {
            problems.add(SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD_CONFIG + " is set but "
                    + SCHEMA_REGISTRY_TRUSTSTORE_LOCATION_CONFIG + " is not; set the trust store file");
        }
        return problems;
    }

    /**
     * A schema-registry client for {@code url} with the configured credential and trust store.
     *
     * @throws ConfigException naming the key when the trust store cannot be read
     */
    public static RestSchemaRegistryClient schemaRegistryClient(AbstractConfig config, String url) {
        RestSchemaRegistryClient.Builder builder = RestSchemaRegistryClient.builder(url);
        Password userInfo = config.getPassword(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_CONFIG);
        Password bearer = config.getPassword(SCHEMA_REGISTRY_BEARER_AUTH_TOKEN_CONFIG);
        if (userInfo != null) {
            int colon = userInfo.value().indexOf(':');
            builder.basicAuth(userInfo.value().substring(0, colon), userInfo.value().substring(colon + 1));
        } else if (bearer != null) {
            builder.bearerToken(bearer.value());
        }
        String location = config.getString(SCHEMA_REGISTRY_TRUSTSTORE_LOCATION_CONFIG);
        if (location != null) {
            builder.sslContext(trusting(Path.of(location), config.getPassword(SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD_CONFIG),
                    config.getString(SCHEMA_REGISTRY_TRUSTSTORE_TYPE_CONFIG)));
        }
        return builder.build();
    }

    /** A TLS context that trusts the certificates of {@code trustStore}. */
    static SSLContext trusting(Path trustStore, Password password, String type) {
        try (InputStream in = Files.newInputStream(trustStore)) {
            KeyStore store = KeyStore.getInstance(type.toUpperCase(java.util.Locale.ROOT));
            store.load(in, password == null ? null : password.value().toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(SCHEMA_REGISTRY_TRUSTSTORE_LOCATION_CONFIG, trustStore.toString(),
                    "cannot load it as a " + type + " trust store (wrong type or "
                            + SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD_CONFIG + "?): " + e.getMessage());
        }
    }
}
