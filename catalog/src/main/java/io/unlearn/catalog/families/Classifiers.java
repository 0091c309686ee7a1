package io.unlearn.catalog.families;

import io.unlearn.catalog.Comparator;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.catalog.MetricSpec;
import io.unlearn.catalog.Scope;
import io.unlearn.catalog.SettingSpec;
import io.unlearn.catalog.Settings;
import io.unlearn.catalog.Threshold;
import io.unlearn.catalog.UnlearningPolicy;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The image classifier families: the built-in {@code classifier}, the {@code dkvb_classifier} built on it and the
 * {@code torchscript_classifier} written in PyTorch; their methods (shared/METHODS.md sections 1 and 2 and the
 * baselines) and metrics.
 */
public final class Classifiers {

    /** Accuracy on D_f. */
    public static final MetricSpec FORGET_ACCURACY = MetricSpec.of("forget.accuracy",
            "accuracy on the forget set D_f, 0..1");
    /** Accuracy on D_r. */
    public static final MetricSpec RETAIN_ACCURACY = MetricSpec.of("retain.accuracy",
            "accuracy on (a fixed sample of) the retain set D_r, 0..1");
    /** Accuracy on D_t. */
    public static final MetricSpec TEST_ACCURACY = MetricSpec.of("test.accuracy",
            "accuracy on the test set D_t (its retained classes for a class request), 0..1");
    /** Loss-based membership inference, accuracy. */
    public static final MetricSpec MIA_ACCURACY = MetricSpec.of("mia.accuracy",
            "loss-based membership inference (D_f members vs test non-members): logistic-regression accuracy over"
                    + " stratified folds, 0..1; 0.5 = cannot tell");
    /** The uncertainty of {@link #MIA_ACCURACY}. */
    public static final MetricSpec MIA_ACCURACY_CI95 = MetricSpec.of(MIA_ACCURACY.ci95Key(),
            "half-width of the 95 % Wilson interval of mia.accuracy over its 2 x mia.members out-of-fold guesses;"
                    + " wide when D_f is small");
    /** How many members (= non-members) the attack used. */
    public static final MetricSpec MIA_MEMBERS = MetricSpec.of("mia.members",
            "members (= non-members) the membership inference used; with fewer than evaluation.mia.folds, one fold"
                    + " per member; 1 gives chance, 0.5 with ci95 0.5");
    /** Loss-based membership inference, AUC. */
    public static final MetricSpec MIA_AUC = MetricSpec.of("mia.auc",
            "loss-based membership inference: AUC of the out-of-fold scores, 0..1");
    /** The linear probe on frozen encoder features (DKVB's known weakness). */
    public static final MetricSpec PROBE_FORGET_ACCURACY = new MetricSpec("probe.forget.accuracy",
            "accuracy of a linear probe fitted on the frozen encoder's features, on the forgotten classes' test"
                    + " samples, 0..1; computed only when a threshold names it", true);

    private static final List<MetricSpec> ACCURACY_METRICS = List.of(FORGET_ACCURACY, RETAIN_ACCURACY, TEST_ACCURACY,
            MIA_ACCURACY, MIA_ACCURACY_CI95, MIA_MEMBERS, MIA_AUC);
    private static final List<MetricSpec> GAP_METRICS = List.of(FORGET_ACCURACY, RETAIN_ACCURACY, TEST_ACCURACY,
            MIA_ACCURACY);
    private static final Set<Scope> IMAGE_SCOPES = Set.of(Scope.SAMPLES, Scope.SUBJECT, Scope.CLASS);

    /**
     * Exact retraining on D_r with these settings (a classifier file does not carry its training recipe) and the
     * parent's seed, which no policy can change.
     */
    public static final MethodSpec RETRAIN = MethodSpec.exactRetraining("retrain",
            "exact unlearning: train from scratch on D_r with these settings and the parent's seed (the reference)",
            SettingSpec.integer("epochs", 4, 1, 1000, "passes over the training data"),
            SettingSpec.integer("batchSize", 128, 1, 65_536, "samples per step"),
            SettingSpec.decimal("learningRate", 1e-3, 1e-9, 10, "Adam learning rate"));

    /** Fine-tuning on D_r. */
    public static final MethodSpec FINE_TUNE = MethodSpec.approximate("fine_tune",
            "continue training the parent on D_r only (SGD)",
            SettingSpec.integer("epochs", 1, 1, 1000, "passes over D_r; multiplied by 1 + attempt on a retry")
                    .strengthenedOnRetry(),
            SettingSpec.integer("batchSize", 128, 1, 65_536, "samples per step"),
            SettingSpec.decimal("learningRate", 0.01, 1e-9, 10, "SGD learning rate"),
            SettingSpec.seed("seed", 42, "shuffling seed"));

    /** NegGrad+. */
    public static final MethodSpec NEG_GRAD_PLUS = MethodSpec.approximate("neg_grad_plus",
            "gradient descent on D_r plus gradient ascent on D_f (NegGrad+)",
            SettingSpec.integer("epochs", 1, 1, 1000, "passes over D_r, each retain batch paired with the next forget"
                    + " batch (cycled); multiplied by 1 + attempt on a retry").strengthenedOnRetry(),
            SettingSpec.integer("batchSize", 128, 1, 65_536, "samples per retain and per forget batch"),
            SettingSpec.decimal("learningRate", 0.01, 1e-9, 10, "SGD learning rate"),
            SettingSpec.decimal("alpha", 0.95, 0, 1, "weight of the retain term; 1 - alpha weighs the ascent"),
            SettingSpec.seed("seed", 42, "shuffling seed"));

    /** Contrastive unlearning (Lee et al. 2024). */
    public static final MethodSpec CONTRASTIVE = MethodSpec.approximate("contrastive",
            "contrastive unlearning (Lee et al. 2024, shared/METHODS.md section 1): forget embeddings pushed away"
                    + " from their class, retain cross-entropy beside it (SGD, momentum 0.9)",
            SettingSpec.integer("omega", 4, 1, 64, "retain mini-batches drawn per forget mini-batch"),
            SettingSpec.decimal("tau", 0.7, 1e-3, 100, "similarity temperature"),
            SettingSpec.decimal("lambdaUl", 3, 0, 1000, "weight of the unlearning loss; multiplied by 1 + attempt on a"
                    + " retry").strengthenedOnRetry(),
            SettingSpec.decimal("lambdaCe", 6, 0, 1000, "weight of the retain cross-entropy (the paper: 1; see"
                    + " unlearning/README.md for why 6)"),
            SettingSpec.decimal("learningRate", 1e-3, 1e-9, 10, "SGD learning rate"),
            SettingSpec.integer("classBatchSize", 64, 1, 65_536, "forget batch size for class unlearning"),
            SettingSpec.integer("sampleBatchSize", 128, 1, 65_536, "forget batch size for sample unlearning"),
            SettingSpec.integer("maxEpochs", 20, 1, 10_000, "most passes over D_f before giving up on the stop rule;"
                    + " multiplied by 1 + attempt on a retry").strengthenedOnRetry(),
            SettingSpec.integer("checkEverySteps", 4, 1, 100_000, "optimizer steps between two stop-rule checks"),
            SettingSpec.integer("stopRuleSamples", 512, 1, 1_000_000, "D_f and D_t samples used to check the stop"
                    + " rule"),
            SettingSpec.decimal("classStopAccuracy", 0.01, 0, 1, "class unlearning stops once accuracy on D_f is at"
                    + " most this (the paper: 1/numClasses; the retrained judge has 0)"),
            SettingSpec.seed("seed", 42, "sampling seed"));

    /** DKVB key masking (Shah et al. 2023). */
    public static final MethodSpec DKVB = MethodSpec.approximate("dkvb",
            "key masking in a discrete key-value bottleneck (Shah et al. 2023, shared/METHODS.md section 2); forward"
                    + " passes only",
            SettingSpec.choice("mode", "activations", List.of("activations", "examples"), "how the keys to mask are"
                    + " chosen: by how often D_f selects them, or every key the first exampleCount forget samples"
                    + " select"),
            SettingSpec.integer("activationKeys", 0, 0, 10_000_000, "activations: mask the N_a keys D_f selects most"
                    + " often in one pass; 0 = automatic (every key D_f selects more often than the retain data),"
                    + " counted activationRounds times"),
            SettingSpec.integer("activationRounds", 2, 1, 100, "activations with N_a = 0: counting rounds, D_f falling"
                    + " through to its next-nearest keys after each"),
            SettingSpec.integer("activationSamples", 1024, 1, 10_000_000, "activations: at most this many D_f samples,"
                    + " evenly spread, are counted"),
            SettingSpec.integer("exampleCount", 64, 1, 10_000_000, "examples: N_e, the forget samples whose keys are"
                    + " masked"))
            .strengthenedBy(Classifiers::strengthenDkvb);

    /** The built-in CNN classifier. */
    public static final FamilySpec CLASSIFIER = new FamilySpec("classifier",
            "CNN encoder, MLP projection, L2-normalized embedding, linear head (built in)", IMAGE_SCOPES,
            List.of(RETRAIN, FINE_TUNE, NEG_GRAD_PLUS, CONTRASTIVE), ACCURACY_METRICS, GAP_METRICS,
            new UnlearningPolicy("contrastive", Map.of(), List.of(
                    new Threshold("mia.accuracy", Comparator.AT_MOST, 0.65),
                    new Threshold("retain.accuracy", Comparator.AT_LEAST, 0.80),
                    new Threshold("test.accuracy", Comparator.AT_LEAST, 0.78)), 2));

    /** A frozen classifier embedding followed by a discrete key-value bottleneck. */
    public static final FamilySpec DKVB_CLASSIFIER = new FamilySpec("dkvb_classifier",
            "a frozen classifier encoder followed by a discrete key-value bottleneck; unlearned by masking keys",
            Set.of(Scope.SAMPLES, Scope.SUBJECT, Scope.CLASS), List.of(DKVB),
            List.of(FORGET_ACCURACY, RETAIN_ACCURACY, TEST_ACCURACY, MIA_ACCURACY, MIA_ACCURACY_CI95, MIA_MEMBERS, MIA_AUC,
                    PROBE_FORGET_ACCURACY),
            List.of(),
            new UnlearningPolicy("dkvb", Map.of(), List.of(
                    new Threshold("forget.accuracy", Comparator.AT_MOST, 0.05),
                    new Threshold("retain.accuracy", Comparator.AT_LEAST, 0.75)), 2));

    /** A classifier written in PyTorch and loaded from TorchScript. */
    public static final FamilySpec TORCHSCRIPT_CLASSIFIER = new FamilySpec("torchscript_classifier",
            "a classifier defined outside the system as a TorchScript file whose forward(x) returns (embedding,"
                    + " logits); it cannot be re-initialized, so it is never retrained",
            IMAGE_SCOPES, List.of(FINE_TUNE, NEG_GRAD_PLUS, CONTRASTIVE), ACCURACY_METRICS, List.of(),
            new UnlearningPolicy("contrastive", Map.of(), List.of(
                    new Threshold("mia.accuracy", Comparator.AT_MOST, 0.65),
                    new Threshold("retain.accuracy", Comparator.AT_LEAST, 0.80)), 2));

    private Classifiers() {
    }

    /**
     * A retry masks more keys: N_a times {@code 1 + attempt} when it is set; otherwise the thorough choice, every key
     * of the first {@code (1 + attempt) * exampleCount} forget examples.
     */
    private static Settings strengthenDkvb(Settings s, int attempt) {
        int k = 1 + attempt;
        if (s.choice("mode").equals("activations") && s.integer("activationKeys") > 0) {
            return s.with("activationKeys", Long.toString(Math.min(10_000_000L, (long) s.integer("activationKeys") * k)));
        }
        return s.with("mode", "examples")
                .with("exampleCount", Long.toString(Math.min(10_000_000L, (long) s.integer("exampleCount") * k)));
    }
}
