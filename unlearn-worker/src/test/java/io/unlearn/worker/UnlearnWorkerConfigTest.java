package io.unlearn.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.unlearn.worker.errors.InvalidConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnlearnWorkerConfigTest {

    @Test
    void shouldRunOnOneMachineWithTheDefaults() {
        UnlearnWorkerConfig config = UnlearnWorkerConfig.load(Map.of());

        assertEquals("localhost:9092", config.bootstrapServers());
        assertEquals("http://localhost:8082", config.modelRegistryUrl());
        assertEquals(8083, config.httpPort());
        assertEquals("unlearning.batches", config.batchesTopic());
        assertEquals("unlearn-worker.1", config.transactionalId());
        assertEquals(Duration.ofSeconds(2), config.verdictPoll());
    }

    @Test
    void shouldReportEveryProblemAtOnceWithKeyValueAndRule() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> UnlearnWorkerConfig.load(Map.of(
                "http.port", "70000",
                "model.registry.url", "localhost:8082",
                "candidates.topic", "unlearning.batches",
                "consumer.isolation.level", "read_uncommitted",
                "verdict.pol.ms", "5")));

        assertEquals(5, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("http.port"), e.getMessage());
        assertTrue(e.getMessage().contains("model.registry.url"), e.getMessage());
        assertTrue(e.getMessage().contains("candidates.topic=unlearning.batches"), e.getMessage());
        assertTrue(e.getMessage().contains("consumer.isolation.level=read_uncommitted: the worker sets this itself"),
                e.getMessage());
        assertTrue(e.getMessage().contains("verdict.pol.ms: unknown setting"), e.getMessage());
    }

    @Test
    void shouldPassPrefixedClientSettingsThrough() {
        UnlearnWorkerConfig config = UnlearnWorkerConfig.load(Map.of("consumer.session.timeout.ms", "6000"));

        assertEquals(Map.of("session.timeout.ms", "6000"), config.consumerOverrides());
    }

    @Test
    void shouldGiveTheKafkaSecuritySettingsToItsConsumersAndProducer() {
        UnlearnWorkerConfig config = UnlearnWorkerConfig.load(Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN", "model.registry.auth.token", "registry-token"));

        Map<String, Object> expected = Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN");
        assertEquals(expected, config.consumerOverrides());
        assertEquals(expected, config.producerOverrides());
        assertEquals("registry-token", config.modelRegistryToken());
    }
}
