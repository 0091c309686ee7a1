package io.unlearn.registry;

import io.unlearn.registry.errors.InvalidConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelRegistryConfigTest {

    private static final String TOKEN = "0123456789abcdef0123";

    @Test
    void shouldRefuseToStartWithoutATokenUnlessAuthIsExplicitlyDisabled() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ModelRegistryConfig.load(Map.of()));

        assertTrue(e.getMessage().contains("http.auth.token: not set; POST /models would let anyone"), e.getMessage());
        ModelRegistryConfig open = ModelRegistryConfig.load(Map.of("http.auth.disabled", "true"));
        assertTrue(open.httpAuthToken().isEmpty());
        assertTrue(open.httpAuthDisabled());
    }

    @Test
    void shouldRejectAShortTokenWithoutPrintingIt() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> ModelRegistryConfig.load(Map.of("http.auth.token", "secret-1234")));

        assertTrue(e.getMessage().contains("http.auth.token: Invalid value [hidden]"), e.getMessage());
        assertTrue(e.getMessage().contains("at least 16 characters"), e.getMessage());
        assertFalse(e.getMessage().contains("secret-1234"), e.getMessage());
    }

    @Test
    void shouldRejectContradictoryAuthSettings() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ModelRegistryConfig.load(Map.of(
                "http.auth.token", TOKEN, "http.auth.disabled", "true", "http.auth.reads", "token")));

        assertTrue(e.getMessage().contains("http.auth.disabled=true: contradicts the http.auth.token"), e.getMessage());
        assertTrue(e.getMessage().contains("http.auth.reads=token: needs http.auth.token"), e.getMessage());
        assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
    }

    @Test
    void shouldReportAReceiptKeyFileThatIsMissingOrNotAnEd25519Key(@TempDir Path dir) throws Exception {
        Path notAKey = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n"
                + "-----END PRIVATE KEY-----\n");

        for (Path file : List.of(dir.resolve("missing.pem"), notAKey)) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ModelRegistryConfig.load(
                    Map.of("http.auth.token", TOKEN, "receipt.signing.key.file", file.toString())));

            assertTrue(e.getMessage().contains("receipt.signing.key.file=" + file + ": "), e.getMessage());
        }
        assertTrue(ModelRegistryConfig.load(Map.of("http.auth.token", TOKEN)).receiptSigningKeyFile().isEmpty(),
                "receipts are off by default");
    }

    @Test
    void shouldHandOutTheTokenAndReadAccess() {
        ModelRegistryConfig config = ModelRegistryConfig.load(Map.of("http.auth.token", TOKEN,
                "http.auth.reads", "token"));

        assertEquals(TOKEN, config.httpAuthToken().orElseThrow());
        assertEquals(ReadAccess.TOKEN, config.httpAuthReads());
    }

    @Test
    void shouldRunOnOneMachineWithDefaults() {
        ModelRegistryConfig config = ModelRegistryConfig.load(Map.of("http.auth.token", TOKEN));

        assertEquals("localhost:9092", config.bootstrapServers());
        assertEquals("127.0.0.1", config.httpHost());
        assertEquals(ReadAccess.OPEN, config.httpAuthReads());
        assertEquals("http://localhost:8081/apis/ccompat/v7", config.schemaRegistryUrl());
        assertEquals("unlearning.lineage", config.lineageTopic());
        assertEquals("unlearning.training-manifest", config.trainingManifestTopic());
        assertEquals(8082, config.httpPort());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "unlearn", "artifacts"), config.artifactDir());
        assertEquals(Duration.ofMinutes(1), config.candidateWait());
        assertEquals((short) 1, config.topicReplicationFactor());
    }

    @Test
    void shouldReportEveryInvalidSettingAtOnce() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ModelRegistryConfig.load(Map.of(
                "http.port", "70000",
                "schema.registry.url", "localhost:8081",
                "lineage.topic", "bad topic",
                "candidates.topic", "unlearning.verifications",
                "consumer.isolation.level", "read_uncommitted",
                "producer.transactional.id", "mine",
                "htp.port", "1")));

        String message = e.getMessage();
        assertTrue(message.contains("http.port: Invalid value 70000"), message);
        assertTrue(message.contains("schema.registry.url: Invalid value localhost:8081"), message);
        assertTrue(message.contains("an http:// or https:// URL"), message);
        assertTrue(message.contains("lineage.topic: Invalid value bad topic"), message);
        assertTrue(message.contains("unlearning.verifications: the same topic is configured for another purpose"),
                message);
        assertTrue(message.contains("consumer.isolation.level=read_uncommitted: the registry sets this itself (only"
                + " committed lineage may enter the state (read_committed)); remove it"), message);
        assertTrue(message.contains("producer.transactional.id=mine: the registry sets this itself"), message);
        assertTrue(message.contains("htp.port: unknown setting"), message);
    }

    @Test
    void shouldPassPrefixedClientSettingsThrough() {
        ModelRegistryConfig config = ModelRegistryConfig.load(Map.of("consumer.max.poll.records", "10",
                "producer.linger.ms", "5", "http.auth.token", TOKEN));

        assertEquals(Map.of("max.poll.records", "10"), config.consumerOverrides());
        assertEquals(Map.of("linger.ms", "5"), config.producerOverrides());
    }

    @Test
    void shouldGiveTheKafkaSecuritySettingsToEveryClientIncludingTheAdmin() {
        ModelRegistryConfig config = ModelRegistryConfig.load(Map.of("http.auth.token", TOKEN,
                "security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "ssl.truststore.location", "/ca.p12",
                "consumer.sasl.mechanism", "SCRAM-SHA-512"));

        Map<String, Object> expected = Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN",
                "ssl.truststore.location", "/ca.p12");
        assertEquals(expected, config.producerOverrides());
        assertEquals("SCRAM-SHA-512", config.consumerOverrides().get("sasl.mechanism"), "the prefixed key wins");
        assertEquals("SASL_SSL", config.consumerOverrides().get("security.protocol"));
        Map<String, Object> admin = new java.util.HashMap<>(expected);
        admin.put("bootstrap.servers", "localhost:9092");
        assertEquals(admin, config.adminSettings());
    }

    @Test
    void shouldTakeSettingsFromEnvironmentVariablesOverTheFile() {
        Map<String, Object> settings = ModelRegistryApp.settings(null, Map.of("MODEL_REGISTRY_HTTP_PORT", "9000",
                "MODEL_REGISTRY_BOOTSTRAP_SERVERS", "kafka:9092", "MODEL_REGISTRY_HTTP_AUTH_TOKEN", TOKEN,
                "PATH", "/usr/bin"));

        assertEquals(Map.of("http.port", "9000", "bootstrap.servers", "kafka:9092", "http.auth.token", TOKEN),
                settings);
        assertEquals(9000, ModelRegistryConfig.load(settings).httpPort());
    }
}
