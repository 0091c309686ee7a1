package io.unlearn.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.unlearn.localstack.InJvmKafkaBroker;
import io.unlearn.registry.errors.RegistryUnavailableException;
import io.unlearn.schemas.testing.InMemorySchemaRegistryClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static io.unlearn.registry.RegistryFixtures.JSON;
import static io.unlearn.registry.RegistryFixtures.registrationJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry on a broker that takes only SASL/PLAIN clients (with Kafka's authorizer denying anyone else): every
 * Kafka client it makes (the admin that creates its topics, the state reader, the transactional lineage writer)
 * must carry the {@code security.protocol}/{@code sasl.*} settings for it to start and record a registration.
 */
class ModelRegistrySaslIT {

    private static final String TOKEN = "sasl-it-registry-token";

    private static InJvmKafkaBroker broker;

    @TempDir
    Path artifactDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startBroker() {
        broker = InJvmKafkaBroker.startSaslPlain();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private Map<String, Object> settings() {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ModelRegistryConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        settings.put(ModelRegistryConfig.HTTP_PORT_CONFIG, "0");
        settings.put(ModelRegistryConfig.HTTP_AUTH_TOKEN_CONFIG, TOKEN);
        settings.put(ModelRegistryConfig.ARTIFACT_DIR_CONFIG, artifactDir.toString());
        settings.put(ModelRegistryConfig.STARTUP_TIMEOUT_MS_CONFIG, "30000");
        return settings;
    }

    @Test
    void shouldStartAndRecordARegistrationWithTheSaslSettings() throws Exception {
        // Given the registry's settings with the broker's SASL/PLAIN credentials, for every client at once
        Map<String, Object> settings = settings();
        settings.putAll(InJvmKafkaBroker.saslPlainClientSettings(InJvmKafkaBroker.SASL_PLAIN_ADMIN,
                InJvmKafkaBroker.SASL_PLAIN_ADMIN_PASSWORD));

        try (ModelRegistry registry = ModelRegistry.start(ModelRegistryConfig.load(settings),
                new InMemorySchemaRegistryClient())) {
            // When a base model is registered (topics created by the admin, events written in a transaction,
            // folded in by the state reader before the answer)
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + registry.httpPort() + "/models"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(registrationJson("m1", "weights"))).build(),
                    HttpResponse.BodyHandlers.ofString());

            // Then it is recorded
            assertEquals(201, created.statusCode(), created.body());
            JsonNode model = JSON.readTree(http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + registry.httpPort() + "/models/m1")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertEquals("base", model.get("currentVersionId").asText());
        }
    }

    @Test
    void shouldNotStartWithoutTheSaslSettings() {
        // Given the same registry without security settings: a PLAINTEXT client against the SASL listener
        Map<String, Object> settings = settings();
        settings.put(ModelRegistryConfig.STARTUP_TIMEOUT_MS_CONFIG, "5000");

        // Then it cannot even create its topics
        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                () -> ModelRegistry.start(ModelRegistryConfig.load(settings), new InMemorySchemaRegistryClient())
                        .close());
        assertTrue(e.getMessage().contains(broker.bootstrapServers()), e.getMessage());
    }
}
