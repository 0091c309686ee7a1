package io.unlearn.unlearning.spi;

import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.MetricSpec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Named metric values of one model on one split, e.g. {@code forget.accuracy = 0.03}. Accuracies and MIA
 * values are fractions in [0, 1].
 *
 * @param values metric name to value, in insertion order
 */
public record Evaluation(Map<String, Double> values) {

    /** Copies the values, keeping their order. */
    public Evaluation {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * @param metric the metric
     * @return its value, if computed
     */
    public OptionalDouble get(MetricSpec metric) {
        Double v = values.get(metric.key());
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /**
     * @param metric the metric
     * @return its value
     * @throws IllegalStateException when it was not computed
     */
    public double require(MetricSpec metric) {
        return get(metric).orElseThrow(() -> new IllegalStateException(metric.key() + " was not computed; have "
                + values.keySet()));
    }

    /**
     * Adds {@code <metric>.gap = |this - reference|} for each of the family's gap metrics that both evaluations
     * measured, and their mean as {@link FamilySpec#AVERAGE_GAP}.
     *
     * @param reference the retrained model's evaluation on the same split
     * @param family the model's family, which names its gap metrics
     * @return a new evaluation with the gaps added
     */
    public Evaluation withGapsTo(Evaluation reference, FamilySpec family) {
        Map<String, Double> out = new LinkedHashMap<>(values);
        double sum = 0;
        int measured = 0;
        for (MetricSpec m : family.gapMetrics()) {
            if (!values.containsKey(m.key()) || !reference.values.containsKey(m.key())) {
                continue; // not measurable on this forget set (e.g. too few members for the MIA)
            }
            double gap = Math.abs(require(m) - reference.require(m));
            out.put(m.gapKey(), gap);
            sum += gap;
            measured++;
        }
        out.put(FamilySpec.AVERAGE_GAP, measured == 0 ? Double.NaN : sum / measured);
        return new Evaluation(out);
    }
}
