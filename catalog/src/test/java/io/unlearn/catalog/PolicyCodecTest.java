package io.unlearn.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyCodecTest {

    @Test
    void shouldRoundTripAPolicyThroughItsJsonWithSettingsInKeyOrder() {
        UnlearningPolicy policy = new UnlearningPolicy("contrastive", Map.of("tau", "0.5", "maxEpochs", "3"),
                List.of(new Threshold("forget.accuracy", Comparator.AT_MOST, 0.2),
                        new Threshold("retain.accuracy", Comparator.AT_LEAST, 0.8)), 2);

        String json = PolicyCodec.toJsonText(policy);

        assertEquals("{\"method\":\"contrastive\",\"settings\":{\"maxEpochs\":\"3\",\"tau\":\"0.5\"},\"thresholds\":"
                + "[{\"metric\":\"forget.accuracy\",\"comparator\":\"<=\",\"threshold\":0.2},{\"metric\":"
                + "\"retain.accuracy\",\"comparator\":\">=\",\"threshold\":0.8}],\"maxFailuresBeforeRetrain\":2}", json);
        assertEquals(policy, PolicyCodec.fromJsonText(json));
    }

    @Test
    void shouldReportEveryShapeProblemWithItsPath() {
        List<String> problems = new ArrayList<>();
        PolicyCodec.read(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(Map.of(
                "method", "", "settings", Map.of("x", List.of(1)), "thresholds", List.of(Map.of("metric", "A B",
                        "comparator", "<", "threshold", "x")), "maxFailuresBeforeRetrain", 101, "extra", 1)),
                "policy", problems);

        List<String> expected = List.of("policy.extra: unknown field", "policy.method: must be a non-blank string",
                "policy.settings.x: must be a string, number or boolean", "policy.thresholds[0].metric: must be a"
                        + " lowercase dotted name", "policy.thresholds[0].comparator: must be <= or >=",
                "policy.thresholds[0].threshold: must be a finite number",
                "policy.maxFailuresBeforeRetrain: must be an integer from 0 to 100");
        for (String prefix : expected) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(prefix)), "missing " + prefix + " in " + problems);
        }
        assertEquals(expected.size(), problems.size(), problems.toString());
    }

    @Test
    void shouldRefuseAnAnswerThatIsNotAPolicy() {
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> PolicyCodec.fromJsonText("[1]"));
        assertTrue(e.getMessage().startsWith("policy: must be a JSON object"), e.getMessage());
    }
}
