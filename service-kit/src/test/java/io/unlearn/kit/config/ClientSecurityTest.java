package io.unlearn.kit.config;

import com.sun.net.httpserver.HttpServer;
import io.unlearn.schemas.SchemaRegistryClient;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientSecurityTest {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"svc\" password=\"svc-secret\";";

    @TempDir
    Path dir;

    /** A service's definition with the shared keys, as each *Config builds it. */
    private static final ConfigDef DEFINITION = ClientSecurity.define(new ConfigDef())
            .define("bootstrap.servers", Type.STRING, "localhost:9092", Importance.HIGH, "brokers");

    private static AbstractConfig config(Map<String, ?> props) {
        return new AbstractConfig(DEFINITION, props, false);
    }

    @Test
    void shouldDefineKafkasSecurityKeysWithPasswordsHidden() {
        assertEquals("PLAINTEXT", DEFINITION.defaultValues().get("security.protocol"));
        assertEquals(Type.PASSWORD, DEFINITION.configKeys().get("sasl.jaas.config").type);
        assertEquals(Type.PASSWORD, DEFINITION.configKeys().get("ssl.truststore.password").type);
        assertEquals(Type.PASSWORD, DEFINITION.configKeys().get("schema.registry.basic.auth.user.info").type);
        assertEquals(Type.PASSWORD, DEFINITION.configKeys().get("schema.registry.bearer.auth.token").type);
        assertTrue(ClientSecurity.isSecurityKey("ssl.keystore.location"));
        assertFalse(ClientSecurity.isSecurityKey("bootstrap.servers"));
    }

    @Test
    void shouldHandEveryKafkaClientOnlyTheSecuritySettingsGiven() {
        Map<String, Object> settings = ClientSecurity.kafkaSettings(config(Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN", "sasl.jaas.config", JAAS, "ssl.truststore.location", "/etc/kafka/ca.p12",
                "schema.registry.bearer.auth.token", "sr-token", "bootstrap.servers", "kafka:9093")));

        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "sasl.jaas.config", JAAS,
                "ssl.truststore.location", "/etc/kafka/ca.p12"), settings);
        assertEquals(Map.of(), ClientSecurity.kafkaSettings(config(Map.of())), "defaults stay the clients' own");
    }

    @Test
    void shouldRejectAnUnknownSecurityProtocol() {
        assertThrows(ConfigException.class, () -> config(Map.of("security.protocol", "SASL_PLAIN")));
    }

    @Test
    void shouldReportConflictingOrIncompleteSchemaRegistrySettingsWithoutPasswords() {
        List<String> problems = ClientSecurity.problems(Map.of(
                "schema.registry.basic.auth.user.info", "user:pw-123",
                "schema.registry.bearer.auth.token", "tok-456",
                "schema.registry.ssl.truststore.location", dir.resolve("missing.p12").toString()));

        assertEquals(2, problems.size(), problems::toString);
        assertTrue(problems.get(0).contains("are both set"), problems::toString);
        assertTrue(problems.get(1).contains("missing.p12: no readable file there"), problems::toString);
        assertFalse(problems.toString().contains("pw-123") || problems.toString().contains("tok-456"));
        assertTrue(ClientSecurity.problems(Map.of("schema.registry.ssl.truststore.password", "x")).get(0)
                .contains("schema.registry.ssl.truststore.location is not"));
    }

    @Test
    void shouldRejectBasicAuthWithoutAColon() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> config(Map.of("schema.registry.basic.auth.user.info", "apikeyonly")));

        assertTrue(e.getMessage().contains("user:password"), e.getMessage());
        assertFalse(e.getMessage().contains("apikeyonly"), e.getMessage());
    }

    @Test
    void shouldSendTheConfiguredCredentialToTheSchemaRegistry() throws Exception {
        AtomicReference<String> authorization = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = "{\"error_code\":40401,\"message\":\"no\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(404, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        try {
            for (Map<String, String> props : List.of(Map.of("schema.registry.basic.auth.user.info", "key:se:cret"),
                    Map.of("schema.registry.bearer.auth.token", "sr-token"), Map.<String, String>of())) {
                SchemaRegistryClient client = ClientSecurity.schemaRegistryClient(config(props), url);
                assertThrows(RuntimeException.class, () -> client.latest("some-subject"));

                String expected = props.containsKey("schema.registry.basic.auth.user.info")
                        ? "Basic " + Base64.getEncoder().encodeToString("key:se:cret".getBytes(StandardCharsets.UTF_8))
                        : props.containsKey("schema.registry.bearer.auth.token") ? "Bearer sr-token" : null;
                assertEquals(expected, authorization.get(), props.toString());
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldLoadTheTrustStoreOrNameTheSettingThatIsWrong() throws Exception {
        Path trustStore = dir.resolve("trust.p12");
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            empty.store(out, "changeit".toCharArray());
        }
        Path garbage = Files.writeString(dir.resolve("garbage.p12"), "not a key store");

        assertNotNull(ClientSecurity.trusting(trustStore, new Password("changeit"), "PKCS12"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> ClientSecurity.trusting(garbage, new Password("changeit"), "PKCS12"));
        assertTrue(e.getMessage().contains("schema.registry.ssl.truststore.location"), e.getMessage());
        Map<String, Object> props = new HashMap<>();
        props.put("schema.registry.ssl.truststore.location", trustStore.toString());
        props.put("schema.registry.ssl.truststore.password", "changeit");
        assertNotNull(ClientSecurity.schemaRegistryClient(config(props), "https://registry.example:8081"));
    }
}
