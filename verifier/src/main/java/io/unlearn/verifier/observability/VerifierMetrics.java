package io.unlearn.verifier.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.verifier.escalation.VerifierOutput;

import java.time.Duration;

/**
 * The verifier's meters. Tags are low-cardinality (verdict, outcome, state); never a model or request id.
 * <ul>
 *   <li>{@code verifier.verdicts{verdict}}: verification results published</li>
 *   <li>{@code verifier.request.statuses{state}}: statuses published (VERIFIED, BATCHED, FAILED)</li>
 *   <li>{@code verifier.retry.batches}: failed batches re-issued for another attempt</li>
 *   <li>{@code verifier.deferrals}: candidates put back because the registry or a dataset was unavailable</li>
 *   <li>{@code verifier.dead.letters}: candidate records that could not be decoded (from the consumer loop)</li>
 *   <li>{@code verifier.verification.duration}: measuring and judging one candidate</li>
 * </ul>
 */
public final class VerifierMetrics {

    private final MeterRegistry meters;
    private final Counter retries;
    private final Counter deferrals;
    private final Timer duration;

    public VerifierMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.retries = Counter.builder("verifier.retry.batches")
                .description("Failed batches re-issued with the next attempt").register(meters);
        this.deferrals = Counter.builder("verifier.deferrals")
                .description("Candidates put back because the model-registry or a dataset was unavailable")
                .register(meters);
        this.duration = Timer.builder("verifier.verification.duration")
                .description("Time to measure and judge one candidate").register(meters);
    }

    /** Counts what one transaction published. */
    public void published(VerifierOutput output) {
        output.result().ifPresent(r -> Counter.builder("verifier.verdicts").tag("verdict", r.getVerdict().name())
                .description("Verification results published").register(meters).increment());
        for (RequestState state : RequestState.values()) {
            long n = output.statuses().stream().filter(s -> s.getState() == state).count();
            if (n > 0) {
                Counter.builder("verifier.request.statuses").tag("state", state.name())
                        .description("Request statuses published").register(meters).increment(n);
            }
        }
        output.retry().ifPresent(b -> retries.increment());
    }

    public void deferred() {
        deferrals.increment();
    }

    public void verified(Duration took) {
        duration.record(took);
    }
}
