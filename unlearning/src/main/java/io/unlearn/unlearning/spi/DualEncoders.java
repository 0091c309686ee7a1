package io.unlearn.unlearning.spi;

import io.unlearn.catalog.Settings;

import io.unlearn.catalog.families.DualEncoderFamily;
import io.unlearn.catalog.MethodSpec;

import io.unlearn.unlearning.errors.UnlearningException;
import io.unlearn.unlearning.internal.dualencoder.Captions;
import io.unlearn.unlearning.internal.dualencoder.ClipErase;
import io.unlearn.unlearning.internal.dualencoder.DualEncoderEvaluator;
import io.unlearn.unlearning.internal.dualencoder.DualEncoderFineTune;
import io.unlearn.unlearning.internal.dualencoder.DualEncoderGradientAscent;
import io.unlearn.unlearning.internal.dualencoder.DualEncoderModel;
import io.unlearn.unlearning.internal.dualencoder.DualEncoderRetrain;
import io.unlearn.unlearning.internal.dualencoder.DualEncoderTraining;
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
 *     UnlearningResult result = DualEncoders.method("cliperase").apply(parent, data);
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
    public static final String MIA_ACCURACY = DualEncoderFamily.MIA_ACCURACY.key();
    /** Membership inference on pair similarity: AUC of the out-of-fold scores. */
    public static final String MIA_AUC = DualEncoderFamily.MIA_AUC.key();

    /**
     * Every metric {@link #evaluate} can return, in order: the two zero-shot accuracies, then for each of
     * {@code forget.}, {@code retain.}, {@code test.} the recalls {@code i2t.recall1}, {@code i2t.recall5},
     * {@code t2i.recall1}, {@code t2i.recall5}, then {@code forget.i2t.recall5.advantage}, {@code mia.accuracy},
     * {@code mia.accuracy.ci95}, {@code mia.members} and {@code mia.auc} (the last four left out when D_f has a
     * single pair).
     */
    public static final List<String> METRICS = List.of(FORGET_ZEROSHOT_ACCURACY, RETAIN_ZEROSHOT_ACCURACY,
            "forget.i2t.recall1", "forget.i2t.recall5", "forget.t2i.recall1", "forget.t2i.recall5",
            "retain.i2t.recall1", "retain.i2t.recall5", "retain.t2i.recall1", "retain.t2i.recall5",
            "test.i2t.recall1", "test.i2t.recall5", "test.t2i.recall1", "test.t2i.recall5",
            DualEncoderFamily.FORGET_I2T_RECALL5_ADVANTAGE.key(), MIA_ACCURACY,
            DualEncoderFamily.MIA_ACCURACY_CI95.key(), DualEncoderFamily.MIA_MEMBERS.key(), MIA_AUC);

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
     * Returns one of the family's methods with its settings from the catalog ({@code DualEncoderFamily}); the
     * pipeline gets it through {@link Unlearning#method(FamilySpec, Settings, long)}.
     *
     * @param settings complete settings of {@code cliperase}, {@code fine_tune}, {@code gradient_ascent} or
     *     {@code retrain} (whose zeros keep the parent's saved recipe)
     * @return the method
     * @throws UnlearningException for a method the family does not have
     */
    public static UnlearningMethod method(Settings settings) {
        MethodSpec m = settings.method();
        if (m == DualEncoderFamily.CLIPERASE) {
            return clipErase(ClipEraseSettings.from(settings));
        } else if (m == DualEncoderFamily.FINE_TUNE) {
            return fineTune(DualEncoderFineTuneSettings.from(settings));
        } else if (m == DualEncoderFamily.GRADIENT_ASCENT) {
            return gradientAscent(GradientAscentSettings.from(settings));
        } else if (m == DualEncoderFamily.RETRAIN) {
            return new DualEncoderRetrain(settings.integer("epochs"), settings.integer("batchSize"),
                    settings.decimal("learningRate"));
        }
        throw new UnlearningException(m.id() + " has no dual_encoder implementation; use "
                + DualEncoderFamily.DUAL_ENCODER.methodIds());
    }

    /**
     * @param methodId a method of the family
     * @return it with the catalog's default settings
     */
    public static UnlearningMethod method(String methodId) {
        return method(DualEncoderFamily.DUAL_ENCODER.method(methodId).orElseThrow(() -> new UnlearningException(
                methodId + " has no dual_encoder implementation; use " + DualEncoderFamily.DUAL_ENCODER.methodIds()))
                .defaults());
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
        return new DualEncoderRetrain(0, 0, 0f);
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
        throw new UnlearningException("expected a dual_encoder model, got a " + model.family().id() + " model;"
                + " evaluate it with Unlearning.evaluate");
    }
}
