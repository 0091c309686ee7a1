package io.unlearn.unlearning.spi;

/**
 * What running a method cost. Field names match the Avro {@code UnlearningCost} record.
 *
 * @param wallTimeMs wall-clock time of the method, in milliseconds
 * @param forwardSamplePasses samples pushed forward through the network (including stop-rule checks)
 * @param backwardSamplePasses samples back-propagated
 */
public record UnlearningCost(long wallTimeMs, long forwardSamplePasses, long backwardSamplePasses) {

    /**
     * Adds two costs.
     *
     * @param other the other cost
     * @return the sum
     */
    public UnlearningCost plus(UnlearningCost other) {
        return new UnlearningCost(wallTimeMs + other.wallTimeMs, forwardSamplePasses + other.forwardSamplePasses,
                backwardSamplePasses + other.backwardSamplePasses);
    }
}
