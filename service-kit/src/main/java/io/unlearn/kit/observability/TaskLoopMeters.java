package io.unlearn.kit.observability;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.unlearn.kit.processing.TransactionalTaskLoop;

/**
 * The counters of a {@link TransactionalTaskLoop}, read at scrape time, under the service's prefix:
 * <ul>
 *   <li>{@code unlearn.<service>.loop.committed}: input records committed with their outputs</li>
 *   <li>{@code unlearn.<service>.loop.retries}: task or commit retries scheduled</li>
 *   <li>{@code unlearn.<service>.loop.dead.letters}: input records sent to the dead-letter topic</li>
 *   <li>{@code unlearn.<service>.loop.aborted}: output transactions aborted</li>
 *   <li>{@code unlearn.<service>.loop.timed.out}: tasks given up after {@code task.timeout.ms}, their threads
 *   abandoned</li>
 * </ul>
 */
public final class TaskLoopMeters {

    private TaskLoopMeters() {
    }

    /**
     * Registers the loop's counters.
     *
     * <p>Micrometer holds a function counter's state object only weakly, so the state object is the loop itself,
     * which the service keeps (in a field, and its running poll thread) for as long as it runs. A supplier or a
     * method reference made here ({@code loop::stats}) would be held by nothing else: the first garbage collection
     * would clear it and the counters would read NaN from then on.
     *
     * @param registry where the counters live
     * @param prefix the service's prefix
     * @param loop the loop whose counters they expose
     */
    public static void bind(MeterRegistry registry, MeterPrefix prefix, TransactionalTaskLoop<?> loop) {
        FunctionCounter.builder(prefix.of("loop.committed"), loop, l -> l.stats().committed())
                .description("Input records committed with their outputs").register(registry);
        FunctionCounter.builder(prefix.of("loop.retries"), loop, l -> l.stats().retries())
                .description("Task or commit retries scheduled").register(registry);
        FunctionCounter.builder(prefix.of("loop.dead.letters"), loop, l -> l.stats().deadLettered())
                .description("Input records sent to the dead-letter topic").register(registry);
        FunctionCounter.builder(prefix.of("loop.aborted"), loop, l -> l.stats().aborted())
                .description("Output transactions aborted").register(registry);
        FunctionCounter.builder(prefix.of("loop.timed.out"), loop, l -> l.stats().timedOut())
                .description("Tasks given up after task.timeout.ms (their threads abandoned)").register(registry);
    }
}
