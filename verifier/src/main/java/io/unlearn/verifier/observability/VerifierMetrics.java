package io.unlearn.verifier.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.unlearn.kit.observability.MeterPrefix;
import io.unlearn.kit.observability.TaskLoopMeters;
import io.unlearn.kit.processing.TransactionalTaskLoop;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.verifier.escalation.VerifierOutput;

import java.time.Duration;

/**
 * The verifier's meters, named {@code unlearn.verifier.*} ({@link MeterPrefix}). Tags are low-cardinality
 * (verdict, state); never a model or request id.
 * <ul>
 *   <li>{@code unlearn.verifier.verdicts{verdict}}: verification results published</li>
 *   <li>{@code unlearn.verifier.request.statuses{state}}: statuses published (VERIFIED, BATCHED, FAILED)</li>
 *   <li>{@code unlearn.verifier.retry.batches}: failed batches re-issued for another attempt</li>
 *   <li>{@code unlearn.verifier.deferrals}: candidates put back because the registry or a dataset was
 *   unavailable</li>
 *   <li>{@code unlearn.verifier.verification.duration}: measuring and judging one candidate</li>
 *   <li>{@code unlearn.verifier.loop.committed | retries | dead.letters | aborted}: the candidate loop's counters
 *   ({@link TaskLoopMeters}); {@code loop.dead.letters} counts candidate records that could not be decoded</li>
 * </ul>
 */
public final class VerifierMetrics {

    private static final MeterPrefix P = MeterPrefix.VERIFIER;

    private final MeterRegistry meters;
    private final Counter retries;
    private final Counter deferrals;
    private final Timer duration;

    public VerifierMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.retries = Counter.builder(P.of("retry.batches"))
                .description("Failed batches re-issued with the next attempt").register(meters);
        this.deferrals = Counter.builder(P.of("deferrals"))
                .description("Candidates put back because the model-registry or a dataset was unavailable")
                .register(meters);
        this.duration = Timer.builder(P.of("verification.duration"))
                .description("Time to measure and judge one candidate").register(meters);
    }

    /** Counts what one transaction published. */
    public void published(VerifierOutput output) {
        output.result().ifPresent(r -> Counter.builder(P.of("verdicts")).tag("verdict", r.getVerdict().name())
                .description("Verification results published").register(meters).increment());
        for (RequestState state : RequestState.values()) {
            long n = output.statuses().stream().filter(s -> s.getState() == state).count();
            if (n > 0) {
                Counter.builder(P.of("request.statuses")).tag("state", state.name())
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

    /**
     * Exposes the candidate loop's counters, read at scrape time.
     *
     * @param loop the verifier's loop; the meters read it for as long as the verifier holds it
     */
    public void bindLoop(TransactionalTaskLoop<?> loop) {
        TaskLoopMeters.bind(meters, P, loop);
    }
}
