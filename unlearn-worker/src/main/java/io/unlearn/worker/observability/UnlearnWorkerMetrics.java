package io.unlearn.worker.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.unlearn.kit.processing.TransactionalTaskLoop;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The worker's meters. Tags are low-cardinality ({@code outcome}, {@code method}, {@code reason}); model and
 * request ids never appear in a tag.
 * <ul>
 *   <li>{@code unlearn.worker.batches} (outcome = candidate | failed | already_forgotten, method)</li>
 *   <li>{@code unlearn.worker.unlearning.duration} (method): wall time of the method</li>
 *   <li>{@code unlearn.worker.forget.samples}: samples in D_f, summed</li>
 *   <li>{@code unlearn.worker.waits} (reason = verdict | unavailable): batches postponed</li>
 *   <li>{@code unlearn.worker.loop.committed | retries | dead.letters | aborted}: the consumer loop's counters</li>
 * </ul>
 */
public final class UnlearnWorkerMetrics {

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
        Counter.builder("unlearn.worker.batches").tag("outcome", outcome).tag("method", method)
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
        Timer.builder("unlearn.worker.unlearning.duration").tag("method", method)
                .description("Wall time of the unlearning method").register(registry).record(wallTime);
        Counter.builder("unlearn.worker.forget.samples").description("Samples unlearned (|D_f|, summed)")
                .register(registry).increment(forgetSamples);
    }

    /**
     * Counts a postponed batch.
     *
     * @param reason verdict (waiting for the previous candidate's verdict) or unavailable (a dependency is down)
     */
    public void waited(String reason) {
        Counter.builder("unlearn.worker.waits").tag("reason", reason)
                .description("Batches postponed, by reason").register(registry).increment();
    }

    /**
     * Exposes the consumer loop's counters.
     *
     * @param stats the loop's counters, read at scrape time
     */
    public void bindLoop(Supplier<TransactionalTaskLoop.Stats> stats) {
        FunctionCounter.builder("unlearn.worker.loop.committed", stats, s -> s.get().committed())
                .description("Batches committed with their outputs").register(registry);
        FunctionCounter.builder("unlearn.worker.loop.retries", stats, s -> s.get().retries())
                .description("Batch or commit retries scheduled").register(registry);
        FunctionCounter.builder("unlearn.worker.loop.dead.letters", stats, s -> s.get().deadLettered())
                .description("Batches sent to the dead-letter topic").register(registry);
        FunctionCounter.builder("unlearn.worker.loop.aborted", stats, s -> s.get().aborted())
                .description("Transactions aborted").register(registry);
    }
}
