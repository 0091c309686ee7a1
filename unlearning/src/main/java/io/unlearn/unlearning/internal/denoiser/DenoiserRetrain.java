package io.unlearn.unlearning.internal.denoiser;

import io.unlearn.catalog.MethodSpec;
import io.unlearn.catalog.families.DenoiserFamily;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.spi.DenoiserRecipe;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.Map;

/**
 * Exact unlearning of a denoiser, the reference: {@code theta_retrain = Train(D_r; recipe, seed of the parent)} with
 * the parent's architecture and noise schedule. The parent's parameters are not used; its saved recipe is, unless a
 * setting overrides it.
 */
public final class DenoiserRetrain implements UnlearningMethod {

    private final int epochs;
    private final int batchSize;
    private final float learningRate;

    /**
     * @param epochs passes over D_r; 0 = the parent's saved recipe
     * @param batchSize images per step; 0 = the parent's saved recipe
     * @param learningRate AdamW learning rate; 0 = the parent's saved recipe
     */
    public DenoiserRetrain(int epochs, int batchSize, float learningRate) {
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.learningRate = learningRate;
    }

    @Override
    public MethodSpec method() {
        return DenoiserFamily.RETRAIN;
    }

    @Override
    public UnlearningResult apply(ModelHandle parent, UnlearningData data) {
        DenoiserModel p = DenoiserMethods.denoiser(parent, method());
        DenoiserRecipe saved = p.recipe();
        DenoiserRecipe r = new DenoiserRecipe(epochs > 0 ? epochs : saved.epochs(),
                batchSize > 0 ? batchSize : saved.batchSize(), learningRate > 0 ? learningRate : saved.learningRate(),
                p.info().seed());
        CostMeter cost = new CostMeter();
        DenoiserModel child = DenoiserTraining.train(data.train(), data.retainPositions(), p.block().architecture(),
                p.schedule(), r, cost, "retrain (denoiser)");
        return new UnlearningResult(child, method(), cost.cost(), Map.of("epochs", String.valueOf(r.epochs()),
                "batchSize", String.valueOf(r.batchSize()), "seed", String.valueOf(r.seed())));
    }
}
