package io.unlearn.verifier;

import io.unlearn.verifier.errors.InvalidConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifierConfigTest {

    @Test
    void shouldRunOnOneMachineWithDefaults() {
        VerifierConfig config = VerifierConfig.load(Map.of());

        assertEquals("localhost:9092", config.bootstrapServers());
        assertEquals("http://localhost:8081/apis/ccompat/v7", config.schemaRegistryUrl());
        assertEquals("http://localhost:8082", config.modelRegistryUrl());
        assertEquals(8084, config.httpPort());
        assertEquals("verifier", config.verifierId());
        assertEquals("unlearning.candidates", config.candidatesTopic());
        assertEquals("unlearning.batches", config.batchesTopic());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir"), "unlearn", "artifacts"), config.artifactDir());
        assertEquals(10, config.evaluationSettings().miaFolds());
        assertEquals(4, config.referenceRecipe().epochs());
    }

    @Test
    void shouldReportEveryBadSettingAtOnceWithKeyValueAndRule() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> VerifierConfig.load(Map.of(
                "model.registry.url", "localhost:8082",
                "http.port", "70000",
                "candidates.topic", "bad topic",
                "reference.learning.rate", "-1",
                "consumer.enable.auto.commit", "true",
                "verifer.id", "typo")));

        assertEquals(6, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("model.registry.url: Invalid value localhost:8082"), e.getMessage());
        assertTrue(e.getMessage().contains("http.port"), e.getMessage());
        assertTrue(e.getMessage().contains("candidates.topic"), e.getMessage());
        assertTrue(e.getMessage().contains("reference.learning.rate"), e.getMessage());
        assertTrue(e.getMessage().contains("consumer.enable.auto.commit=true: the verifier sets this itself"),
                e.getMessage());
        assertTrue(e.getMessage().contains("verifer.id: unknown setting"), e.getMessage());
    }

    @Test
    void shouldGiveTheKafkaSecuritySettingsToItsConsumerAndProducer() {
        VerifierConfig config = VerifierConfig.load(Map.of("security.protocol", "SSL",
                "ssl.truststore.location", "/ca.p12", "producer.ssl.truststore.location", "/other.p12"));

        assertEquals(Map.of("security.protocol", "SSL", "ssl.truststore.location", "/ca.p12"),
                config.consumerOverrides());
        assertEquals("/other.p12", config.producerOverrides().get("ssl.truststore.location"));
        assertEquals(null, config.modelRegistryToken());
    }

    @Test
    void shouldRejectOneTopicUsedForTwoPurposes() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> VerifierConfig.load(Map.of(
                "batches.topic", "unlearning.candidates")));

        assertTrue(e.getMessage().contains("batches.topic=unlearning.candidates: the same topic"), e.getMessage());
    }

    @Test
    void shouldRejectFewerAttackMembersThanFolds() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> VerifierConfig.load(Map.of(
                "evaluation.mia.max.members", "5", "evaluation.mia.folds", "10")));

        assertTrue(e.getMessage().contains("evaluation.mia.max.members=5: must be at least"), e.getMessage());
    }

    @Test
    void shouldTakeSettingsFromTheFileOverriddenByTheEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("verifier.properties");
        Files.writeString(file, "http.port=9000\nverifier.id=from-file\n");

        VerifierConfig config = VerifierConfig.load(VerifierApp.settings(file,
                Map.of("VERIFIER_HTTP_PORT", "9100", "OTHER_HTTP_PORT", "1")));

        assertEquals(9100, config.httpPort());
        assertEquals("from-file", config.verifierId());
    }

    @Test
    void shouldPrintTheConfigReference() {
        String html = VerifierConfig.toHtml();

        assertTrue(html.contains("model.registry.url"));
        assertTrue(html.contains("reference.epochs"));
    }
}
