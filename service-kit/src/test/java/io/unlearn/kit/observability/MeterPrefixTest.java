package io.unlearn.kit.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MeterPrefixTest {

    @Test
    void shouldNameEveryServicesMetersUnlearnServiceWhat() {
        assertEquals("unlearn.streamprocessor.request.statuses", MeterPrefix.STREAM_PROCESSOR.of("request.statuses"));
        assertEquals("unlearn.worker.loop.dead.letters", MeterPrefix.WORKER.of("loop.dead.letters"));
        assertEquals("unlearn.verifier.verdicts", MeterPrefix.VERIFIER.of("verdicts"));
        assertEquals("unlearn.registry.http.requests", MeterPrefix.REGISTRY.of("http.requests"));
    }

    @Test
    void shouldRejectANamePartThatIsNotLowercaseDottedOrRepeatsTheRoot() {
        for (String bad : new String[] {"", "Verdicts", "dead_letters", "dead-letters", ".x", "x.", "a..b",
                "unlearn.verifier.verdicts", "unlearn"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MeterPrefix.VERIFIER.of(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("unlearn.verifier."),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> MeterPrefix.VERIFIER.of(null));
    }
}
