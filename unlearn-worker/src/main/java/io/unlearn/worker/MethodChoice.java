package io.unlearn.worker;

import io.unlearn.schemas.modelregistry.UnlearningPolicy;
import io.unlearn.unlearning.spi.ContrastiveSettings;
import io.unlearn.unlearning.spi.DkvbSettings;
import io.unlearn.unlearning.spi.FineTuneSettings;
import io.unlearn.unlearning.spi.Method;
import io.unlearn.unlearning.spi.NegGradPlusSettings;
import io.unlearn.unlearning.spi.TrainingRecipe;
import io.unlearn.unlearning.spi.Unlearning;
import io.unlearn.unlearning.spi.UnlearningMethod;
import io.unlearn.worker.errors.InvalidPolicyException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which method, with which settings, a batch attempt runs: the model's policy, made stronger on each retry, and
 * exact retraining once the policy's failures are used up.
 *
 * <p>The rule, with {@code k = 1 + attempt}:
 * <ul>
 *   <li>{@code attempt >= maxFailuresBeforeRetrain}: {@code retrain} (exact; the recipe from the policy's
 *       {@code retrain.*} settings, e.g. {@code retrain.epochs}, else {@link TrainingRecipe#defaults()}; the
 *       parent's seed);</li>
 *   <li>otherwise the policy's method with its settings (unset ones at the method's documented default), the
 *       strength knob multiplied by k: {@code fine_tune} and {@code neg_grad_plus}: {@code epochs}; {@code contrastive}:
 *       {@code maxEpochs} and {@code lambdaUl}; {@code dkvb}: the number of masked keys ({@code activationKeys}
 *       when set, else from attempt 1 on {@code examples} mode with {@code exampleCount}); {@code retrain} is
 *       already exact and runs unchanged.</li>
 * </ul>
 * Setting names are the settings records' component names ({@code epochs}, {@code batchSize},
 * {@code learningRate}, {@code alpha}, {@code seed}, ...).
 *
 * @param method the method to run
 * @param applied every setting it runs with, as recorded in {@code CandidateVersion.methodSettings}
 * @param seed the seed recorded in {@code CandidateVersion.seed}
 */
public record MethodChoice(UnlearningMethod method, Map<String, String> applied, long seed) {

    /** Copies the map. */
    public MethodChoice {
        applied = Map.copyOf(applied);
    }

    /** @return the method's lowercase name, e.g. {@code contrastive} */
    public String name() {
        return method.name();
    }

    /**
     * Chooses for one attempt.
     *
     * @param policy the model's registered policy
     * @param attempt the batch's attempt, 0 first
     * @param parentSeed the parent's seed, which exact retraining reuses
     * @return the choice
     * @throws InvalidPolicyException naming the unknown method or the bad setting
     */
    public static MethodChoice choose(UnlearningPolicy policy, int attempt, long parentSeed) {
        Method method;
        try {
            method = Method.parse(policy.method());
        } catch (IllegalArgumentException e) {
            throw new InvalidPolicyException("the model's policy names " + e.getMessage());
        }
        Settings s = new Settings(policy.method(), policy.settings());
        try {
            return choose(method, s, attempt, policy.maxFailuresBeforeRetrain(), parentSeed);
        } catch (IllegalArgumentException e) {
            // The settings records validate their ranges (e.g. epochs >= 1).
            throw new InvalidPolicyException("the model's policy settings " + policy.settings() + " are invalid for "
                    + policy.method() + ": " + e.getMessage());
        }
    }

    private static MethodChoice choose(Method method, Settings s, int attempt, int maxFailuresBeforeRetrain,
            long parentSeed) {
        int k = 1 + attempt;
        if (attempt >= maxFailuresBeforeRetrain || method == Method.RETRAIN) {
            return retrain(method == Method.RETRAIN ? s : s.prefixed("retrain."), parentSeed);
        }
        return switch (method) {
            case FINE_TUNE -> {
                FineTuneSettings d = FineTuneSettings.defaults();
                FineTuneSettings f = new FineTuneSettings(s.integer("epochs", d.epochs()) * k,
                        s.integer("batchSize", d.batchSize()), s.decimal("learningRate", d.learningRate()),
                        s.whole("seed", d.seed()));
                s.rejectUnknown();
                yield new MethodChoice(Unlearning.fineTune(f), Map.of("epochs", str(f.epochs()), "batchSize",
                        str(f.batchSize()), "learningRate", str(f.learningRate()), "seed", str(f.seed())), f.seed());
            }
            case NEG_GRAD_PLUS -> {
                NegGradPlusSettings d = NegGradPlusSettings.defaults();
                NegGradPlusSettings n = new NegGradPlusSettings(s.integer("epochs", d.epochs()) * k,
                        s.integer("batchSize", d.batchSize()), s.decimal("learningRate", d.learningRate()),
                        s.decimal("alpha", d.alpha()), s.whole("seed", d.seed()));
                s.rejectUnknown();
                yield new MethodChoice(Unlearning.negGradPlus(n), Map.of("epochs", str(n.epochs()), "batchSize",
                        str(n.batchSize()), "learningRate", str(n.learningRate()), "alpha", str(n.alpha()), "seed",
                        str(n.seed())), n.seed());
            }
            case CONTRASTIVE -> contrastive(s, k);
            case DKVB -> dkvb(s, k);
            case RETRAIN -> throw new IllegalStateException("handled above");
        };
    }

    private static MethodChoice retrain(Settings s, long parentSeed) {
        TrainingRecipe d = TrainingRecipe.defaults();
        TrainingRecipe r = new TrainingRecipe(s.integer("epochs", d.epochs()), s.integer("batchSize", d.batchSize()),
                s.decimal("learningRate", d.learningRate()), parentSeed);
        s.rejectUnknown();
        return new MethodChoice(Unlearning.retrain(r), Map.of("epochs", str(r.epochs()), "batchSize",
                str(r.batchSize()), "learningRate", str(r.learningRate()), "seed", str(parentSeed)), parentSeed);
    }

    private static MethodChoice contrastive(Settings s, int k) {
        ContrastiveSettings d = ContrastiveSettings.defaults();
        ContrastiveSettings c = new ContrastiveSettings(s.integer("omega", d.omega()), s.decimal("tau", d.tau()),
                s.decimal("lambdaUl", d.lambdaUl()) * k, s.decimal("lambdaCe", d.lambdaCe()),
                s.decimal("learningRate", d.learningRate()), s.integer("classBatchSize", d.classBatchSize()),
                s.integer("sampleBatchSize", d.sampleBatchSize()), s.integer("maxEpochs", d.maxEpochs()) * k,
                s.integer("checkEverySteps", d.checkEverySteps()), s.integer("stopRuleSamples", d.stopRuleSamples()),
                s.decimal("classStopAccuracy", d.classStopAccuracy()), s.whole("seed", d.seed()));
        s.rejectUnknown();
        Map<String, String> applied = new LinkedHashMap<>();
        applied.put("omega", str(c.omega()));
        applied.put("tau", str(c.tau()));
        applied.put("lambdaUl", str(c.lambdaUl()));
        applied.put("lambdaCe", str(c.lambdaCe()));
        applied.put("learningRate", str(c.learningRate()));
        applied.put("classBatchSize", str(c.classBatchSize()));
        applied.put("sampleBatchSize", str(c.sampleBatchSize()));
        applied.put("maxEpochs", str(c.maxEpochs()));
        applied.put("checkEverySteps", str(c.checkEverySteps()));
        applied.put("stopRuleSamples", str(c.stopRuleSamples()));
        applied.put("classStopAccuracy", str(c.classStopAccuracy()));
        applied.put("seed", str(c.seed()));
        return new MethodChoice(Unlearning.contrastive(c), applied, c.seed());
    }

    private static MethodChoice dkvb(Settings s, int k) {
        DkvbSettings d = DkvbSettings.defaults();
        DkvbSettings.Mode mode;
        String modeText = s.text("mode", d.mode().name());
        try {
            mode = DkvbSettings.Mode.parse(modeText);
        } catch (IllegalArgumentException e) {
            throw new InvalidPolicyException("policy setting mode=" + modeText + " of dkvb: expected activations or"
                    + " examples");
        }
        int activationKeys = s.integer("activationKeys", d.activationKeys());
        int activationRounds = s.integer("activationRounds", d.activationRounds());
        int activationSamples = s.integer("activationSamples", d.activationSamples());
        int exampleCount = s.integer("exampleCount", d.exampleCount());
        s.rejectUnknown();
        if (mode == DkvbSettings.Mode.ACTIVATIONS && activationKeys > 0) {
            activationKeys *= k;
        } else if (mode == DkvbSettings.Mode.EXAMPLES || k > 1) {
            // A retry of the automatic key choice masks every key the forget examples select: the thorough choice.
            mode = DkvbSettings.Mode.EXAMPLES;
            exampleCount *= k;
        }
        DkvbSettings settings = new DkvbSettings(mode, activationKeys, activationRounds, activationSamples,
                exampleCount);
        return new MethodChoice(Unlearning.dkvb(settings), Map.of("mode", mode.name().toLowerCase(Locale.ROOT),
                "activationKeys", str(activationKeys), "activationRounds", str(activationRounds),
                "activationSamples", str(activationSamples), "exampleCount", str(exampleCount)), 0L);
    }

    private static String str(Object value) {
        return String.valueOf(value);
    }

    /** The policy's settings as typed values, remembering which keys were used so unknown ones are reported. */
    private static final class Settings {
        private final String method;
        private final Map<String, String> values;
        private final Set<String> used = new TreeSet<>();

        Settings(String method, Map<String, String> values) {
            this.method = method;
            this.values = values;
        }

        Settings prefixed(String prefix) {
            Map<String, String> selected = new LinkedHashMap<>();
            values.forEach((key, value) -> {
                if (key.startsWith(prefix)) {
                    selected.put(key.substring(prefix.length()), value);
                }
            });
            return new Settings("retrain (escalation; settings " + prefix + "*)", selected);
        }

        String text(String key, String fallback) {
            used.add(key);
            String v = values.get(key);
            return v == null ? fallback : v.trim();
        }

        int integer(String key, int fallback) {
            String v = text(key, null);
            if (v == null) {
                return fallback;
            }
            try {
                int parsed = Integer.parseInt(v);
                if (parsed >= 0) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw bad(key, v, "a whole number >= 0");
        }

        long whole(String key, long fallback) {
            String v = text(key, null);
            if (v == null) {
                return fallback;
            }
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw bad(key, v, "a whole number");
            }
        }

        float decimal(String key, float fallback) {
            String v = text(key, null);
            if (v == null) {
                return fallback;
            }
            try {
                float parsed = Float.parseFloat(v);
                if (Float.isFinite(parsed) && parsed >= 0) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw bad(key, v, "a finite number >= 0");
        }

        void rejectUnknown() {
            Set<String> unknown = new TreeSet<>(values.keySet());
            unknown.removeAll(used);
            unknown.removeIf(key -> key.startsWith("retrain."));
            if (!unknown.isEmpty()) {
                throw new InvalidPolicyException("the model's policy sets " + unknown + ", unknown to " + method
                        + "; known settings are " + used);
            }
        }

        private InvalidPolicyException bad(String key, String value, String expected) {
            return new InvalidPolicyException("policy setting " + key + "=" + value + " of " + method + ": expected "
                    + expected);
        }
    }
}
