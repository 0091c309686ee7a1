package io.unlearn.kit.processing;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link TransactionalTaskLoop.Task} decided for one input record: publish these outputs (and commit the
 * record), or try the same record again later (nothing is published, the record's partition stays paused).
 */
public sealed interface TaskOutcome {

    /**
     * Publish the outputs and the input record's offset in one transaction.
     *
     * @param outputs the records to publish, in order; may be empty (then only the offset is committed)
     * @return the outcome
     */
    static TaskOutcome publish(List<Output> outputs) {
        return new Publish(outputs);
    }

    /**
     * Run the task on the same record again after a delay, e.g. while waiting for another service's answer or
     * for a dependency to come back. Nothing is published or committed.
     *
     * @param delay how long to wait
     * @param why for the log, e.g. "waiting for the verdict on v-1234"
     * @return the outcome
     */
    static TaskOutcome retryLater(Duration delay, String why) {
        return new RetryLater(delay, why);
    }

    /**
     * The outputs to publish with the offset.
     *
     * @param outputs in order
     */
    record Publish(List<Output> outputs) implements TaskOutcome {
        /** Copies the list. */
        public Publish {
            outputs = List.copyOf(outputs);
        }
    }

    /**
     * Not yet: run again later.
     *
     * @param delay how long to wait
     * @param why for the log
     */
    record RetryLater(Duration delay, String why) implements TaskOutcome {
        /** Rejects a negative delay. */
        public RetryLater {
            Objects.requireNonNull(why, "why");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative: " + delay);
            }
        }
    }
}
