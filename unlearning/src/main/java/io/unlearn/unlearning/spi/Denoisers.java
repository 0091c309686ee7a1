package io.unlearn.unlearning.spi;

import io.unlearn.catalog.MethodSpec;
import io.unlearn.catalog.Settings;
import io.unlearn.catalog.families.DenoiserFamily;
import io.unlearn.unlearning.errors.UnlearningException;
import io.unlearn.unlearning.internal.denoiser.DenoiserArchitecture;
import io.unlearn.unlearning.internal.denoiser.DenoiserEvaluator;
import io.unlearn.unlearning.internal.denoiser.DenoiserModel;
import io.unlearn.unlearning.internal.denoiser.DenoiserNegGradPlus;
import io.unlearn.unlearning.internal.denoiser.DenoiserRetrain;
import io.unlearn.unlearning.internal.denoiser.DenoiserTraining;
import io.unlearn.unlearning.internal.denoiser.NoiseSchedule;
import io.unlearn.unlearning.internal.denoiser.Sampler;
import io.unlearn.unlearning.internal.denoiser.Siss;
import io.unlearn.unlearning.internal.train.CostMeter;
import java.util.List;

/**
 * The entry point for the {@code denoiser} family (a DDPM noise predictor): train, get a method, evaluate, sample.
 * Load and save like any model ({@link Unlearning#loadModel}, {@link ModelHandle#save}).
 *
 * <pre>{@code
 * Dataset d = Unlearning.dataset("fashion-mnist?samples=3000&test=500&glyphs=30");
 * try (ModelHandle parent = Denoisers.train(d.train(), DenoiserRecipe.defaults())) {
 *     UnlearningData data = UnlearningData.of(d.train(), d.test(), ForgetRequest.ofSubjects(glyphSubjects));
 *     UnlearningResult result = Denoisers.method("siss").apply(parent, data);
 *     try (ModelHandle child = result.model()) {
 *         Evaluation e = Denoisers.evaluate(child, data, DenoiserEvaluationSettings.defaults());
 *     }
 * }
 * }</pre>
 */
public final class Denoisers {

    /**
     * Every metric {@link #evaluate} returns, in order: {@code memorization.share}, {@code forget.denoising.loss},
     * {@code retain.denoising.loss}, {@code test.denoising.loss}, {@code denoising.loss.advantage}.
     */
    public static final List<String> METRICS = DenoiserFamily.DENOISER.metrics().stream()
            .map(m -> m.key()).toList();

    private Denoisers() {
    }

    /**
     * Trains a denoiser (default sizes: 32 channels, time embedding 64; T = 1000, beta 1e-4..0.02) on all of D.
     *
     * @param train D; its side must be a multiple of 4
     * @param recipe the recipe (saved with the model; retraining reuses it)
     * @return the model (family {@code denoiser}), which the caller closes
     */
    public static ModelHandle train(ImageSet train, DenoiserRecipe recipe) {
        return train(train, recipe, DenoiserArchitecture.defaults(train.rows(), train.cols()).channels());
    }

    /**
     * Trains a denoiser of a given width on all of D (tests and demos use 16 channels).
     *
     * @param train D; its side must be a multiple of 4
     * @param recipe the recipe
     * @param channels filters at full resolution, a multiple of 16 (twice as many at 1/2 and 1/4)
     * @return the model, which the caller closes
     */
    public static ModelHandle train(ImageSet train, DenoiserRecipe recipe, int channels) {
        int[] all = new int[train.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        DenoiserArchitecture arch = new DenoiserArchitecture(train.rows(), train.cols(), channels,
                DenoiserArchitecture.defaults(train.rows(), train.cols()).timeDim());
        return DenoiserTraining.train(train, all, arch, NoiseSchedule.defaults(), recipe, new CostMeter(),
                "train denoiser");
    }

    /**
     * Returns one of the family's methods with its settings from the catalog ({@code DenoiserFamily}); the
     * pipeline gets it through {@link Unlearning#method(io.unlearn.catalog.FamilySpec, Settings, long)}.
     *
     * @param settings complete settings of {@code siss}, {@code fine_tune}, {@code neg_grad_plus} or {@code retrain}
     *     (whose zeros keep the parent's saved recipe)
     * @return the method
     * @throws UnlearningException for a method the family does not have
     */
    public static UnlearningMethod method(Settings settings) {
        MethodSpec m = settings.method();
        if (m == DenoiserFamily.SISS) {
            return new Siss(settings.decimal("lambda"), settings.decimal("deletionNorm"),
                    settings.decimal("learningRate"), settings.integer("batchSize"), settings.integer("steps"),
                    settings.whole("seed"));
        } else if (m == DenoiserFamily.FINE_TUNE) {
            return new DenoiserNegGradPlus(m, 0f, 1f, settings.decimal("learningRate"), settings.integer("batchSize"),
                    settings.integer("steps"), settings.whole("seed"));
        } else if (m == DenoiserFamily.NEG_GRAD_PLUS) {
            return new DenoiserNegGradPlus(m, settings.decimal("forgetWeight"), settings.decimal("retainWeight"),
                    settings.decimal("learningRate"), settings.integer("batchSize"), settings.integer("steps"),
                    settings.whole("seed"));
        } else if (m == DenoiserFamily.RETRAIN) {
            return new DenoiserRetrain(settings.integer("epochs"), settings.integer("batchSize"),
                    settings.decimal("learningRate"));
        }
        throw new UnlearningException(m.id() + " has no denoiser implementation; use "
                + DenoiserFamily.DENOISER.methodIds());
    }

    /**
     * @param methodId a method of the family
     * @return it with the catalog's default settings
     */
    public static UnlearningMethod method(String methodId) {
        return method(DenoiserFamily.DENOISER.method(methodId).orElseThrow(() -> new UnlearningException(
                methodId + " has no denoiser implementation; use " + DenoiserFamily.DENOISER.methodIds()))
                .defaults());
    }

    /**
     * Computes the denoiser metrics ({@link #METRICS}); add gaps to a reference with {@link Evaluation#withGapsTo}.
     *
     * @param model a {@code denoiser} model
     * @param data the split
     * @param settings sizes and seed
     * @return the named metrics
     * @throws UnlearningException when the model is of another family
     */
    public static Evaluation evaluate(ModelHandle model, UnlearningData data, DenoiserEvaluationSettings settings) {
        return DenoiserEvaluator.evaluate(model(model), data, settings);
    }

    /**
     * Generates images with 50-step DDIM sampling.
     *
     * @param model a {@code denoiser} model
     * @param count how many
     * @param seed the seed of the starting noise
     * @return {@code count * rows * cols} pixels in [0, 1]
     */
    public static float[] sample(ModelHandle model, int count, long seed) {
        return Sampler.sample(model(model), count, seed);
    }

    private static DenoiserModel model(ModelHandle model) {
        if (model instanceof DenoiserModel d) {
            return d;
        }
        throw new UnlearningException("expected a denoiser model, got a " + model.family().id() + " model;"
                + " evaluate it with Unlearning.evaluate");
    }
}
