package io.unlearn.streamprocessor.domain;

import io.unlearn.schemas.v1.RequestStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusesTest {

    private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void shouldKeepWholeProblemsThatFitAndCountTheRest() {
        // Given 40,000 problems of 30 chars each
        List<String> problems = IntStream.range(0, 40_000)
                .mapToObj(i -> String.format("model id 'm-%05d' is not known", i)).toList();

        // When they make one REJECTED status
        String reason = Statuses.rejected("r", problems, null, AT).getReason();

        // Then the reason fits the cap, starts with the first problems whole and counts exactly the ones left out
        assertTrue(reason.length() <= Statuses.MAX_REASON_CHARS, reason.length() + " chars");
        assertTrue(reason.startsWith("rejected: model id 'm-00000' is not known; model id 'm-00001' is not known;"),
                reason);
        int shown = reason.split("is not known").length - 1;
        assertTrue(reason.endsWith("; … and " + String.format(Locale.ROOT, "%,d", 40_000 - shown)
                + " more problems. Fix the request and send it again."), reason);
        assertTrue(shown > 50, "only " + shown + " problems shown");
    }

    @Test
    void shouldCutAFirstProblemLongerThanTheCapAndStillCountTheOthers() {
        String huge = "x".repeat(5_000);

        String reason = Statuses.rejected("r", List.of(huge, "second"), null, AT).getReason();

        assertTrue(reason.length() <= Statuses.MAX_REASON_CHARS, reason.length() + " chars");
        assertTrue(reason.contains("x…; … and 1 more problem. Fix"), reason);
    }

    @Test
    void shouldLeaveShortReasonsAsTheyAre() {
        RequestStatus status = Statuses.rejected("r", List.of("a", "b"), null, AT);

        assertEquals("rejected: a; b. Fix the request and send it again.", status.getReason());
    }
}
