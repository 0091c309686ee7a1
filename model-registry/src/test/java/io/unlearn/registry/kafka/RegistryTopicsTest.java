package io.unlearn.registry.kafka;

import io.unlearn.registry.ModelRegistryConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RegistryTopicsTest {

    @Test
    void shouldCreateTheLineageTopicWithInfiniteRetentionAndTheManifestAndModelsCompacted() {
        // Given
        ModelRegistryConfig config = ModelRegistryConfig.load(Map.of("topic.partitions", "3",
                "http.auth.disabled", "true"));

        // When
        List<NewTopic> topics = RegistryTopics.definitions(config);

        // Then
        NewTopic lineage = topics.get(0);
        assertEquals("unlearning.lineage", lineage.name());
        assertEquals("-1", lineage.configs().get("retention.ms"));
        assertEquals("-1", lineage.configs().get("retention.bytes"));
        assertEquals(3, lineage.numPartitions());
        assertEquals("compact", topics.get(1).configs().get("cleanup.policy"));
        assertEquals("compact", topics.get(2).configs().get("cleanup.policy"));
        assertEquals(List.of("unlearning.lineage", "unlearning.training-manifest", "unlearning.models",
                "unlearning.candidates",
                "unlearning.verifications", "unlearning.request-status", "unlearning.dead-letter"),
                topics.stream().map(NewTopic::name).toList());
    }
}
