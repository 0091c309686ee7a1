package io.unlearn.catalog;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One model family: what the registry accepts for it, which requests the stream-processor lets through to it,
 * which method the worker runs on each attempt and which metrics the verifier computes. A family is implemented by
 * the ML core ({@code unlearning}) and listed in {@link FamilyCatalog}.
 *
 * <p>The escalation rule every service follows ({@link #attempt(UnlearningPolicy, int)}): attempt {@code n} of a
 * batch runs the policy's method strengthened for {@code n} while {@code n < maxFailuresBeforeRetrain}; from there
 * on, exact retraining once, if the family can be retrained; otherwise there is no further attempt and the requests
 * end FAILED with the reason.
 *
 * @param id lowercase name, e.g. {@code classifier}; written into saved models and registrations
 * @param doc one sentence: what the model is
 * @param scopes the deletion scopes it can serve
 * @param methods its unlearning methods, exact retraining among them when it is {@code retrainable}
 * @param metrics what its evaluation produces
 * @param gapMetrics the metrics whose gap to the retrained reference is measured ({@code <key>.gap}) and averaged
 *     ({@link #AVERAGE_GAP}); empty when the family cannot be retrained
 * @param defaultPolicy the policy the demo and documentation start from; valid for this family
 */
public record FamilySpec(String id, String doc, Set<Scope> scopes, List<MethodSpec> methods,
        List<MetricSpec> metrics, List<MetricSpec> gapMetrics, UnlearningPolicy defaultPolicy) {

    /** The mean of the gap metrics' gaps to the retrained reference. */
    public static final String AVERAGE_GAP = "average.gap";

    /** Copies the collections. */
    public FamilySpec {
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
        methods = List.copyOf(methods);
        metrics = List.copyOf(metrics);
        gapMetrics = List.copyOf(gapMetrics);
    }

    /**
     * @param methodId a method id
     * @return the family's method of that id, if it has one
     */
    public Optional<MethodSpec> method(String methodId) {
        return methods.stream().filter(m -> m.id().equals(methodId)).findFirst();
    }

    /** @return exact retraining, when the family can be rebuilt from scratch */
    public Optional<MethodSpec> retraining() {
        return methods.stream().filter(MethodSpec::exact).findFirst();
    }

    /** @return whether exact retraining can rebuild a model of this family (escalation, gaps to a reference) */
    public boolean retrainable() {
        return retraining().isPresent();
    }

    /**
     * @param scope a deletion request's scope
     * @return whether a request of that scope can be unlearned from a model of this family
     */
    public boolean serves(Scope scope) {
        return scopes.contains(scope);
    }

    /** @return every metric key a threshold may name: the metrics, and with a reference their gaps and average */
    public Set<String> metricKeys() {
        Set<String> keys = new LinkedHashSet<>();
        metrics.forEach(m -> keys.add(m.key()));
        if (retrainable() && !gapMetrics.isEmpty()) {
            gapMetrics.forEach(m -> keys.add(m.gapKey()));
            keys.add(AVERAGE_GAP);
        }
        return keys;
    }

    /**
     * @param metric a metric key
     * @return whether an evaluation of this family can produce it
     */
    public boolean produces(String metric) {
        return metricKeys().contains(metric);
    }

    /**
     * @param metric a metric key
     * @return whether it compares with the retrained reference
     */
    public static boolean isGap(String metric) {
        return metric.equals(AVERAGE_GAP) || metric.endsWith(MetricSpec.GAP_SUFFIX);
    }

    /**
     * Which of the on-request metrics a policy asks for (they are computed only then).
     *
     * @param policy the model's policy
     * @return the on-request metrics its thresholds name
     */
    public Set<MetricSpec> requestedExtras(UnlearningPolicy policy) {
        Set<String> named = policy.thresholds().stream().map(Threshold::metric).collect(Collectors.toSet());
        return metrics.stream().filter(m -> m.onRequest() && named.contains(m.key()))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /**
     * @param policy the model's policy
     * @return whether judging it needs a retrained reference (a threshold names a gap)
     */
    public boolean needsReference(UnlearningPolicy policy) {
        return policy.thresholds().stream().anyMatch(t -> isGap(t.metric()));
    }

    /**
     * Checks a policy against this family: the method is the family's, every setting known and in range (the
     * {@code retrain.*} ones against exact retraining), every threshold names a metric the family produces.
     *
     * @param policy the policy
     * @return each problem, with the JSON path of the field and the fix; empty when the policy can be carried out
     */
    public List<String> check(UnlearningPolicy policy) {
        List<String> problems = new ArrayList<>();
        Optional<MethodSpec> method = method(policy.method());
        if (method.isEmpty()) {
            problems.add("policy.method: a " + id + " model is unlearned by " + methodIds() + ", not '"
                    + policy.method() + "'");
        } else {
            problems.addAll(method.get().problems(policy.methodSettings(), "policy.settings"));
        }
        if (!policy.retrainSettings().isEmpty()) {
            Optional<MethodSpec> retrain = retraining();
            if (retrain.isEmpty()) {
                problems.add("policy.settings: retrain.* settings are given, but a " + id + " model cannot be"
                        + " retrained from scratch; remove them");
            } else {
                problems.addAll(retrain.get().problems(policy.retrainSettings(), "policy.settings.retrain"));
            }
        }
        List<Threshold> thresholds = policy.thresholds();
        for (int i = 0; i < thresholds.size(); i++) {
            String metric = thresholds.get(i).metric();
            if (produces(metric)) {
                continue;
            }
            if (isGap(metric) && !retrainable()) {
                problems.add("policy.thresholds[" + i + "].metric: " + metric + " compares with exact retraining,"
                        + " which cannot rebuild a " + id + " model; bound the metric itself instead");
            } else {
                problems.add("policy.thresholds[" + i + "].metric: a " + id + " model's evaluation does not produce '"
                        + metric + "'; it produces " + String.join(", ", metricKeys()));
            }
        }
        return problems;
    }

    /**
     * What attempt {@code n} of a batch runs under a policy (see the class comment for the rule).
     *
     * @param policy the model's policy, valid for this family
     * @param n the attempt, 0 first
     * @return the method and settings, or empty when the policy allows no such attempt
     * @throws InvalidPolicyException when the policy does not fit the family
     */
    public Optional<Attempt> attempt(UnlearningPolicy policy, int n) {
        List<String> problems = check(policy);
        if (!problems.isEmpty()) {
            throw new InvalidPolicyException(problems);
        }
        MethodSpec first = method(policy.method()).orElseThrow();
        if (first.exact()) {
            return n == 0 ? Optional.of(new Attempt(0, first.resolve(policy.methodSettings()))) : Optional.empty();
        }
        if (n < policy.maxFailuresBeforeRetrain()) {
            Settings base = first.resolve(policy.methodSettings());
            return Optional.of(new Attempt(n, n == 0 ? base : first.strengthening().apply(base, n)));
        }
        if (n == policy.maxFailuresBeforeRetrain() && retrainable()) {
            return Optional.of(new Attempt(n, retraining().orElseThrow().resolve(policy.retrainSettings())));
        }
        return Optional.empty();
    }

    /** @return the method ids, for messages: {@code retrain | fine_tune | ...} */
    public String methodIds() {
        return methods.stream().map(MethodSpec::id).collect(Collectors.joining(" | "));
    }

    @Override
    public String toString() {
        return id;
    }
}
