package io.unlearn.catalog.families;

import io.unlearn.catalog.Comparator;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.catalog.MetricSpec;
import io.unlearn.catalog.Scope;
import io.unlearn.catalog.SettingSpec;
import io.unlearn.catalog.Threshold;
import io.unlearn.catalog.UnlearningPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CLIP-style {@code dual_encoder}: an image tower and a text tower projected into one normalized space, trained
 * on image-caption pairs (a pair's id is its image's sample id); unlearned by CLIPErase (shared/METHODS.md section 3)
 * and judged by zero-shot classification, retrieval and membership inference on pair similarity.
 */
public final class DualEncoderFamily {

    /** Zero-shot accuracy with held-out prompts on what is forgotten (the class's test images, or D_f's images). */
    public static final MetricSpec FORGET_ZEROSHOT_ACCURACY = MetricSpec.of("forget.zeroshot.accuracy",
            "zero-shot accuracy (held-out prompt templates) on the forgotten classes' test images, or on D_f's images"
                    + " for a pair request, 0..1; a threshold on it suits models that take class requests only, since"
                    + " a model that forgot some pairs still (rightly) recognises their images' class");
    /** Zero-shot accuracy with held-out prompts on the retained classes' test images. */
    public static final MetricSpec RETAIN_ZEROSHOT_ACCURACY = MetricSpec.of("retain.zeroshot.accuracy",
            "zero-shot accuracy (held-out prompt templates) on the retained classes' test images, 0..1");
    /** Image-to-text recall@5 on the forget pairs. */
    public static final MetricSpec FORGET_I2T_RECALL5 = recall("forget", "i2t", 5);
    /**
     * How much better the model still matches what it should forget than pairs it never saw; the one forgetting
     * metric that means the same for pair, sample and class requests (zero-shot accuracy on D_f's images stays high
     * after a pair request, rightly: the class is not what was deleted).
     */
    public static final MetricSpec FORGET_I2T_RECALL5_ADVANTAGE = MetricSpec.of("forget.i2t.recall5.advantage",
            "forget.i2t.recall5 minus test.i2t.recall5 (held-out pairs): about 0 for a model never trained on D_f,"
                    + " positive while D_f's pairs are remembered, negative once a class is forgotten; -1..1");
    /** Membership inference on pair similarity, accuracy. */
    public static final MetricSpec MIA_ACCURACY = MetricSpec.of("mia.accuracy", "membership inference on pair"
            + " similarity (D_f pairs vs test pairs): logistic-regression accuracy over stratified folds, 0..1");
    /** The uncertainty of {@link #MIA_ACCURACY}. */
    public static final MetricSpec MIA_ACCURACY_CI95 = MetricSpec.of(MIA_ACCURACY.ci95Key(),
            "half-width of the 95 % Wilson interval of mia.accuracy; wide when D_f is small");
    /** How many members (= non-members) the attack used. */
    public static final MetricSpec MIA_MEMBERS = MetricSpec.of("mia.members",
            "pairs (= held-out pairs) the membership inference used; 1 gives chance, 0.5 with ci95 0.5");
    /** Membership inference on pair similarity, AUC. */
    public static final MetricSpec MIA_AUC = MetricSpec.of("mia.auc", "membership inference on pair similarity:"
            + " AUC of the out-of-fold scores, 0..1");

    /** CLIPErase (Yang et al. 2024). */
    public static final MethodSpec CLIPERASE = MethodSpec.approximate("cliperase",
            "CLIPErase (Yang et al. 2024, shared/METHODS.md section 3): lambda1 CLIP loss on retain pairs + lambda2"
                    + " mean cosine of forget pairs + lambda3 KL to the frozen parent's similarity distributions;"
                    + " Adam, both towers; the best checkpoint on a validation split that meets the forget target",
            SettingSpec.decimal("lambdaRetain", 1, 0, 1000, "lambda1, weight of the CLIP loss on retain pairs L_RM"),
            SettingSpec.decimal("lambdaForget", 3, 1e-6, 1000, "lambda2, weight of the forget pairs' mean cosine L_FM;"
                    + " multiplied by 1 + attempt on a retry").strengthenedOnRetry(),
            SettingSpec.decimal("lambdaConsistency", 3, 0, 1000, "lambda3, weight of the consistency term L_CM; 0 is"
                    + " the paper's ablation"),
            SettingSpec.decimal("learningRate", 3e-4, 1e-9, 0.5, "Adam learning rate"),
            SettingSpec.integer("forgetBatchSize", 64, 1, 65_536, "forget pairs per step"),
            SettingSpec.integer("retainBatchSize", 128, 2, 65_536, "retain pairs per step"),
            SettingSpec.integer("maxSteps", 300, 1, 1_000_000, "most optimizer steps; multiplied by 1 + attempt on a"
                    + " retry").strengthenedOnRetry(),
            SettingSpec.integer("checkEverySteps", 5, 1, 1_000_000, "steps between two checks of the forget target"
                    + " and the validation metric"),
            SettingSpec.integer("patienceChecks", 1, 0, 1000, "checks to go on after the forget target is first met,"
                    + " keeping the best validation checkpoint"),
            SettingSpec.integer("validationSamples", 256, 1, 1_000_000, "retain pairs held out to pick the"
                    + " checkpoint"),
            SettingSpec.integer("stopRuleSamples", 256, 1, 1_000_000, "D_f and D_t pairs used to check the forget"
                    + " target"),
            SettingSpec.decimal("classStopAccuracy", 0.01, 0, 1, "a class request's forget target: zero-shot accuracy"
                    + " on D_f at most this (a pair request's: D_f's mean pair cosine at most D_t's)"),
            SettingSpec.seed("seed", 42, "sampling seed"));

    /** Fine-tuning on the retain pairs. */
    public static final MethodSpec FINE_TUNE = MethodSpec.approximate("fine_tune",
            "continue training on the retain pairs with the CLIP loss (Adam), relying on catastrophic forgetting",
            SettingSpec.integer("epochs", 1, 1, 1000, "passes over D_r; multiplied by 1 + attempt on a retry")
                    .strengthenedOnRetry(),
            SettingSpec.integer("batchSize", 128, 2, 65_536, "pairs per step"),
            SettingSpec.decimal("learningRate", 1e-4, 1e-9, 0.5, "Adam learning rate"),
            SettingSpec.seed("seed", 42, "shuffling seed"));

    /** Gradient ascent on the forget pairs with retain descent. */
    public static final MethodSpec GRADIENT_ASCENT = MethodSpec.approximate("gradient_ascent",
            "minimize -CLIP(forget batch) + retainWeight * CLIP(retain batch) (Adam) until the forget target is met",
            SettingSpec.decimal("learningRate", 1e-4, 1e-9, 0.5, "Adam learning rate"),
            SettingSpec.integer("forgetBatchSize", 64, 2, 65_536, "forget pairs per step"),
            SettingSpec.integer("retainBatchSize", 128, 2, 65_536, "retain pairs per step"),
            SettingSpec.decimal("retainWeight", 1, 0, 1000, "weight of the retain descent term; 0 = pure ascent"),
            SettingSpec.integer("maxSteps", 300, 1, 1_000_000, "most optimizer steps; multiplied by 1 + attempt on a"
                    + " retry").strengthenedOnRetry(),
            SettingSpec.integer("checkEverySteps", 5, 1, 1_000_000, "steps between two checks of the forget target"),
            SettingSpec.integer("stopRuleSamples", 256, 1, 1_000_000, "D_f and D_t pairs used to check the target"),
            SettingSpec.decimal("classStopAccuracy", 0.01, 0, 1, "a class request's target: zero-shot accuracy on D_f"
                    + " at most this"),
            SettingSpec.seed("seed", 42, "sampling seed"));

    /** Exact retraining on D_r: the parent's saved recipe and seed unless a setting overrides it. */
    public static final MethodSpec RETRAIN = MethodSpec.exactRetraining("retrain",
            "exact unlearning: train from scratch on the retain pairs with the parent's saved recipe and seed",
            SettingSpec.integer("epochs", 0, 0, 1000, "passes over the training pairs; 0 = the parent's recipe"),
            SettingSpec.integer("batchSize", 0, 0, 65_536, "pairs per step (at least 2); 0 = the parent's recipe"),
            SettingSpec.decimal("learningRate", 0, 0, 10, "Adam learning rate; 0 = the parent's recipe"));

    /** The family. */
    public static final FamilySpec DUAL_ENCODER = new FamilySpec("dual_encoder",
            "CLIP-style image and text towers in one normalized space, trained on image-caption pairs",
            Set.of(Scope.SAMPLES, Scope.SUBJECT, Scope.CLASS, Scope.PAIRS),
            List.of(CLIPERASE, FINE_TUNE, GRADIENT_ASCENT, RETRAIN), metrics(),
            List.of(FORGET_ZEROSHOT_ACCURACY, RETAIN_ZEROSHOT_ACCURACY, FORGET_I2T_RECALL5, MIA_ACCURACY),
            new UnlearningPolicy("cliperase", Map.of(), List.of(
                    new Threshold(FORGET_I2T_RECALL5_ADVANTAGE.key(), Comparator.AT_MOST, 0.05),
                    new Threshold(RETAIN_ZEROSHOT_ACCURACY.key(), Comparator.AT_LEAST, 0.5)), 1));

    private DualEncoderFamily() {
    }

    private static List<MetricSpec> metrics() {
        List<MetricSpec> all = new ArrayList<>(List.of(FORGET_ZEROSHOT_ACCURACY, RETAIN_ZEROSHOT_ACCURACY));
        for (String set : List.of("forget", "retain", "test")) {
            for (String direction : List.of("i2t", "t2i")) {
                for (int k : new int[] {1, 5}) {
                    all.add(set.equals("forget") && direction.equals("i2t") && k == 5 ? FORGET_I2T_RECALL5
                            : recall(set, direction, k));
                }
            }
        }
        all.add(FORGET_I2T_RECALL5_ADVANTAGE);
        all.add(MIA_ACCURACY);
        all.add(MIA_ACCURACY_CI95);
        all.add(MIA_MEMBERS);
        all.add(MIA_AUC);
        return all;
    }

    private static MetricSpec recall(String set, String direction, int k) {
        return MetricSpec.of(set + "." + direction + ".recall" + k, (direction.equals("i2t") ? "image-to-text"
                : "text-to-image") + " recall@" + k + " of the " + set + " pairs within a fixed-size gallery, 0..1");
    }
}
