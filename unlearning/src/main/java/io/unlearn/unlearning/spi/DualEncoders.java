package io.unlearn.unlearning.spi;

import io.unlearn.unlearning.errors.UnlearningException;
import io.unlearn.unlearning.internal.dualencoder.Captions;
import io.unlearn.unlearning.internal.dualencoder.ClipErase;
import io.unlearn.unlearning.internal.dualencoder.DualEncoderEvaluator;
import io.unlearn.unlearning.internal.dualencoder.DualEncoderFineTune;
import io.unlearn.unlearning.internal.dualencoder.DualEncoderGradientAscent;
import io.unlearn.unlearning.internal.dualencoder.DualEncoderModel;
import io.unlearn.unlearning.internal.dualencoder.DualEncoderRetrain;
import io.unlearn.unlearning.internal.dualencoder.DualEncoderTraining;
import io.unlearn.unlearning.internal.dualencoder.RecordSettings;
import io.unlearn.unlearning.internal.train.CostMeter;
import java.util.List;
import java.util.Map;

/**
 * The entry point for the {@code dual_encoder} family (CLIP-style image and text towers): train, get a method,
 * evaluate. Load and save like any model ({@link Unlearning#loadModel}, {@link ModelHandle#save}).
 *
 * <pre>{@code
 * Dataset d = Unlearning.dataset("fashion-mnist");
 * try (ModelHandle parent = DualEncoders.train(d.train(), DualEncoderRecipe.defaults())) {
 *     UnlearningData data = UnlearningData.of(d.train(), d.test(), ForgetRequest.ofSamples(pairIds),
 *             parent.forgotten());
 *     UnlearningResult result = DualEncoders.method(Method.CLIPERASE).apply(parent, data);
 *     try (ModelHandle child = result.model()) {
 *         Evaluation e = DualEncoders.evaluate(child, data, DualEncoderEvaluationSettings.defaults());
 *     }
 * }
 * }</pre>
 *
 * <p>Pairs: image i of the data set and its caption, a fixed function of (sample id, label) saved with the model
 * (class name in one of several templates), so a pair's id is its image's sample id and deletion requests name
 * pairs exactly as they name samples (sample ids, subjects, classes).
 */
public final class DualEncoders {

    /** Zero-shot accuracy (held-out prompts) on the forgotten classes' test images, or on D_f's images. */
    public static final String FORGET_ZEROSHOT_ACCURACY = "forget.zeroshot.accuracy";
    /** Zero-shot accuracy (held-out prompts) on the retained classes' test images. */
    public static final String RETAIN_ZEROSHOT_ACCURACY = "retain.zeroshot.accuracy";
    /** Membership inference on pair similarity: logistic-regression accuracy, mean over the folds. */
    public static final String MIA_ACCURACY = Metric.MIA_ACCURACY.key();
    /** Membership inference on pair similarity: AUC of the out-of-fold scores. */
    public static final String MIA_AUC = Metric.MIA_AUC.key();

    /**
     * Every metric {@link #evaluate} can return, in order: the two zero-shot accuracies, then for each of
     * {@code forget.}, {@code retain.}, {@code test.} the recalls {@code i2t.recall1}, {@code i2t.recall5},
     * {@code t2i.recall1}, {@code t2i.recall5}, then {@code mia.accuracy} and {@code mia.auc} (left out when D_f has
     * fewer pairs than the attack has folds).
     */
    public static final List<String> METRICS = List.of(FORGET_ZEROSHOT_ACCURACY, RETAIN_ZEROSHOT_ACCURACY,
            "forget.i2t.recall1", "forget.i2t.recall5", "forget.t2i.recall1", "forget.t2i.recall5",
            "retain.i2t.recall1", "retain.i2t.recall5", "retain.t2i.recall1", "retain.t2i.recall5",
            "test.i2t.recall1", "test.i2t.recall5", "test.t2i.recall1", "test.t2i.recall5", MIA_ACCURACY, MIA_AUC);

    private DualEncoders() {
    }

    /**
     * Trains a dual encoder on all pairs of D with the symmetric CLIP loss. Captions: Fashion-MNIST's class names
     * for {@code fashion-mnist}, {@code class0..} for other sets, in the default templates.
     *
     * @param train D
     * @param recipe the recipe (saved with the model; retraining reuses it)
     * @return the model (family {@code dual_encoder}), which the caller closes
     */
    public static ModelHandle train(ImageSet train, DualEncoderRecipe recipe) {
        int[] all = new int[train.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return DualEncoderTraining.train(train, all, Captions.forDataset(train), recipe, new CostMeter(),
                "train dual encoder");
    }

    /**
     * Returns the dual-encoder implementation of a method with its default settings.
     *
     * @param method {@code cliperase}, {@code fine_tune}, {@code gradient_ascent} or {@code retrain}
     * @return the method
     * @throws UnlearningException for a method that has no dual-encoder implementation, naming those that do
     */
    public static UnlearningMethod method(Method method) {
        return switch (method) {
            case CLIPERASE -> clipErase(ClipEraseSettings.defaults());
            case FINE_TUNE -> fineTune(DualEncoderFineTuneSettings.defaults());
            case GRADIENT_ASCENT -> gradientAscent(GradientAscentSettings.defaults());
            case RETRAIN -> retrain();
            default -> throw new UnlearningException(method.value() + " has no dual_encoder implementation; use"
                    + " cliperase | fine_tune | gradient_ascent | retrain");
        };
    }

    /**
     * Returns the dual-encoder implementation of a method with settings given as strings (a policy's settings map):
     * each key is a component of the method's settings record ({@link ClipEraseSettings},
     * {@link DualEncoderFineTuneSettings}, {@link GradientAscentSettings}; for {@code retrain} {@code epochs},
     * {@code batchSize}, {@code learningRate} of {@link DualEncoderRecipe}; with no settings at all, the parent's saved
     * recipe), missing keys keep the record's defaults.
     *
     * @param method {@code cliperase}, {@code fine_tune}, {@code gradient_ascent} or {@code retrain}
     * @param settings component name to value, e.g. {@code {"lambdaConsistency": "0", "maxSteps": "100"}}
     * @return the method
     * @throws IllegalArgumentException naming every unknown key and bad value, or the range a value breaks
     * @throws UnlearningException for a method that has no dual-encoder implementation
     */
    public static UnlearningMethod method(Method method, Map<String, String> settings) {
        return switch (method) {
            case CLIPERASE -> clipErase(RecordSettings.parse(ClipEraseSettings.defaults(), settings));
            case FINE_TUNE -> fineTune(RecordSettings.parse(DualEncoderFineTuneSettings.defaults(), settings));
            case GRADIENT_ASCENT -> gradientAscent(RecordSettings.parse(GradientAscentSettings.defaults(), settings));
            case RETRAIN -> {
                if (settings.containsKey("seed")) {
                    throw new IllegalArgumentException("retrain takes the parent's seed; remove the 'seed' setting");
                }
                yield settings.isEmpty() ? retrain()
                        : retrain(RecordSettings.parse(DualEncoderRecipe.defaults(), settings));
            }
            default -> method(method);
        };
    }

    /**
     * @param settings the settings
     * @return CLIPErase
     */
    public static UnlearningMethod clipErase(ClipEraseSettings settings) {
        return new ClipErase(settings);
    }

    /**
     * @param settings the settings
     * @return fine-tuning on the retain pairs
     */
    public static UnlearningMethod fineTune(DualEncoderFineTuneSettings settings) {
        return new DualEncoderFineTune(settings);
    }

    /**
     * @param settings the settings
     * @return gradient ascent on the forget pairs with retain descent
     */
    public static UnlearningMethod gradientAscent(GradientAscentSettings settings) {
        return new DualEncoderGradientAscent(settings);
    }

    /** @return retraining on D_r with the parent's saved recipe and seed */
    public static UnlearningMethod retrain() {
        return new DualEncoderRetrain(null);
    }

    /**
     * @param recipe the recipe (its seed is replaced by the parent's)
     * @return retraining on D_r with that recipe
     */
    public static UnlearningMethod retrain(DualEncoderRecipe recipe) {
        return new DualEncoderRetrain(recipe);
    }

    /**
     * Computes the dual-encoder metrics ({@link #METRICS}); add gaps to a reference with
     * {@link Evaluation#withGapsTo} (only mia.accuracy of {@link Metric#GAP_METRICS} applies) or by name.
     *
     * @param model a {@code dual_encoder} model
     * @param data the split
     * @param settings gallery size, attack sizes, seed
     * @return the named metrics, fractions in [0, 1]
     * @throws UnlearningException when the model is of another family
     */
    public static Evaluation evaluate(ModelHandle model, UnlearningData data, DualEncoderEvaluationSettings settings) {
        return DualEncoderEvaluator.evaluate(model(model), data, settings);
    }

    /**
     * The caption of a pair, as the model's captions define it (for logs and inspection).
     *
     * @param model a {@code dual_encoder} model
     * @param sampleId the pair id (the image's sample id)
     * @param label the image's class
     * @return e.g. {@code "a grey ankle boot"}
     */
    public static String caption(ModelHandle model, int sampleId, int label) {
        return model(model).captions().caption(sampleId, label);
    }

    private static DualEncoderModel model(ModelHandle model) {
        if (model instanceof DualEncoderModel d) {
            return d;
        }
        throw new UnlearningException("expected a dual_encoder model, got a " + model.family().value() + " model;"
                + " evaluate it with Unlearning.evaluate");
    }
}
