package io.unlearn.kit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

class SettingsCheckTest {

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define("http.port", Type.INT, 8080, Range.between(0, 65535), Importance.LOW, "port")
            .define("input.topic", Type.STRING, "unlearning.batches", Importance.LOW, "in")
            .define("output.topic", Type.STRING, "unlearning.candidates", Importance.LOW, "out");

    private static List<String> problems(Map<String, ?> props) {
        return SettingsCheck.problems(DEFINITION, props, "the service", Map.of("isolation.level", "read_committed"),
                Map.of("transactional.id", "derived from the id"), List.of("input.topic", "output.topic"));
    }

    @Test
    void shouldAcceptTheDefaultsAndPrefixedClientSettings() {
        assertEquals(List.of(), problems(Map.of("consumer.max.poll.records", "10", "producer.linger.ms", "5")));
    }

    @Test
    void shouldReportEveryProblemAtOnceNamingKeyValueAndRule() {
        List<String> problems = problems(Map.of("http.port", "70000", "consumer.isolation.level", "read_uncommitted",
                "producer.transactional.id", "mine", "colour", "blue", "output.topic", "unlearning.batches"));

        assertEquals(5, problems.size(), problems::toString);
        assertEquals(Set.of(
                "http.port: Invalid value 70000 for configuration http.port: Value must be no more than 65535",
                "colour: unknown setting (Kafka client settings take a consumer. or producer. prefix)",
                "consumer.isolation.level=read_uncommitted: the service sets this itself (read_committed); remove it",
                "output.topic=unlearning.batches: the same topic is configured for another purpose; each topic"
                        + " carries one record type",
                "producer.transactional.id=mine: the service sets this itself (derived from the id); remove it"),
                Set.copyOf(problems));
    }
}
