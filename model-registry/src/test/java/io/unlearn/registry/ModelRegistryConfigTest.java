package io.unlearn.registry;

import io.unlearn.registry.errors.InvalidConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelRegistryConfigTest {

    @Test
    void shouldRunOnOneMachineWithDefaults() {
        ModelRegistryConfig config = ModelRegistryConfig.load(Map.of());

        assertEquals("localhost:9092", config.bootstrapServers());
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
                "producer.linger.ms", "5"));

        assertEquals(Map.of("max.poll.records", "10"), config.consumerOverrides());
        assertEquals(Map.of("linger.ms", "5"), config.producerOverrides());
    }

    @Test
    void shouldTakeSettingsFromEnvironmentVariablesOverTheFile() {
        Map<String, Object> settings = ModelRegistryApp.settings(null, Map.of("MODEL_REGISTRY_HTTP_PORT", "9000",
                "MODEL_REGISTRY_BOOTSTRAP_SERVERS", "kafka:9092", "PATH", "/usr/bin"));

        assertEquals(Map.of("http.port", "9000", "bootstrap.servers", "kafka:9092"), settings);
        assertEquals(9000, ModelRegistryConfig.load(settings).httpPort());
    }
}
