package io.unlearn.unlearning.internal.train;

import io.unlearn.unlearning.spi.UnlearningCost;

/** Counts what a method spends: wall time since creation, forward and backward sample-passes. */
public final class CostMeter {

    private final long startNanos = System.nanoTime();
    private long forward;
    private long backward;

    /** @param samples samples pushed forward */
    public void forward(long samples) {
        forward += samples;
    }

    /** @param samples samples back-propagated */
    public void backward(long samples) {
        backward += samples;
    }

    /** @return the cost so far */
    public UnlearningCost cost() {
        return new UnlearningCost((System.nanoTime() - startNanos) / 1_000_000, forward, backward);
    }
}
