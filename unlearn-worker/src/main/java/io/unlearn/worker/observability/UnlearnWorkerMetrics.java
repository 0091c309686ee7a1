package io.unlearn.worker.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.unlearn.kit.observability.MeterPrefix;
import io.unlearn.kit.observability.TaskLoopMeters;
import io.unlearn.kit.processing.TransactionalTaskLoop;
import java.time.Duration;

/**
 * The worker's meters, named {@code unlearn.worker.*} ({@link MeterPrefix}). Tags are low-cardinality
 * ({@code outcome}, {@code method}, {@code reason}); model and request ids never appear in a tag.
 * <ul>
 *   <li>{@code unlearn.worker.batches} (outcome = candidate | failed | already_forgotten, method)</li>
 *   <li>{@code unlearn.worker.unlearning.duration} (method): wall time of the method</li>
 *   <li>{@code unlearn.worker.forget.samples}: samples in D_f, summed</li>
 *   <li>{@code unlearn.worker.waits} (reason = verdict | unavailable): batches postponed</li>
 *   <li>{@code unlearn.worker.loop.committed | retries | dead.letters | aborted}: the consumer loop's counters
 *   ({@link TaskLoopMeters})</li>
 * </ul>
 */
public final class UnlearnWorkerMetrics {

    private static final MeterPrefix P = MeterPrefix.WORKER;

    private final MeterRegistry registry;

    /**
     * @param registry where the meters live
     */
    public UnlearnWorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @return the registry */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Counts a finished batch.
     *
     * @param outcome candidate, failed or already_forgotten
     * @param method the method's name, or {@code none} when none ran
     */
    public void batch(String outcome, String method) {
        Counter.builder(P.of("batches")).tag("outcome", outcome).tag("method", method)
                .description("Batches finished, by outcome").register(registry).increment();
    }

    /**
     * Records one method run.
     *
     * @param method the method's name
     * @param wallTime how long it took
     * @param forgetSamples |D_f|
     */
    public void unlearning(String method, Duration wallTime, int forgetSamples) {
        Timer.builder(P.of("unlearning.duration")).tag("method", method)
                .description("Wall time of the unlearning method").register(registry).record(wallTime);
        Counter.builder(P.of("forget.samples")).description("Samples unlearned (|D_f|, summed)")
                .register(registry).increment(forgetSamples);
    }

    /**
     * Counts a postponed batch.
     *
     * @param reason verdict (waiting for the previous candidate's verdict) or unavailable (a dependency is down)
     */
    public void waited(String reason) {
        Counter.builder(P.of("waits")).tag("reason", reason)
                .description("Batches postponed, by reason").register(registry).increment();
    }

    /**
     * Exposes the consumer loop's counters, read at scrape time.
     *
     * @param loop the worker's loop; the meters read it for as long as the worker holds it
     */
    public void bindLoop(TransactionalTaskLoop<?> loop) {
        TaskLoopMeters.bind(registry, P, loop);
    }
}
