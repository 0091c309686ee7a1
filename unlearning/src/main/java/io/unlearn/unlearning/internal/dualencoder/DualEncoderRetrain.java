package io.unlearn.unlearning.internal.dualencoder;

import io.unlearn.catalog.families.DualEncoderFamily;

import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.spi.DualEncoderRecipe;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.Map;

/**
 * Exact unlearning of a dual encoder, the reference: {@code θ_retrain = Train(D_r; recipe, seed of the parent)} with
 * the parent's captions. The parent's parameters are not used; its saved recipe is, unless one is given.
 */
public final class DualEncoderRetrain implements UnlearningMethod {

    private final int epochs;
    private final int batchSize;
    private final float learningRate;

    /**
     * @param epochs passes over D_r; 0 = the parent's saved recipe
     * @param batchSize pairs per step; 0 = the parent's saved recipe
     * @param learningRate Adam learning rate; 0 = the parent's saved recipe
     */
    public DualEncoderRetrain(int epochs, int batchSize, float learningRate) {
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.learningRate = learningRate;
    }

    @Override
    public MethodSpec method() {
        return DualEncoderFamily.RETRAIN;
    }

    @Override
    public UnlearningResult apply(ModelHandle parent, UnlearningData data) {
        DualEncoderModel p = DualEncoderMethods.dualEncoder(parent, method());
        DualEncoderRecipe saved = p.recipe();
        DualEncoderRecipe r = new DualEncoderRecipe(epochs > 0 ? epochs : saved.epochs(),
                batchSize > 0 ? batchSize : saved.batchSize(), learningRate > 0 ? learningRate : saved.learningRate(),
                p.info().seed());
        CostMeter cost = new CostMeter();
        DualEncoderModel child = DualEncoderTraining.train(data.train(), data.retainPositions(), p.captions(), r, cost,
                "retrain (dual encoder)");
        return new UnlearningResult(child, method(), cost.cost(), Map.of("epochs", String.valueOf(r.epochs()),
                "seed", String.valueOf(r.seed())));
    }
}
