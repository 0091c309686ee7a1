package io.unlearn.unlearning.internal.dualencoder;

import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.spi.DualEncoderRecipe;
import io.unlearn.unlearning.spi.Method;
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

    private final DualEncoderRecipe recipe;

    /**
     * @param recipe the recipe to retrain with (its seed is replaced by the parent's), or null for the parent's own
     *     saved recipe
     */
    public DualEncoderRetrain(DualEncoderRecipe recipe) {
        this.recipe = recipe;
    }

    @Override
    public Method method() {
        return Method.RETRAIN;
    }

    @Override
    public UnlearningResult apply(ModelHandle parent, UnlearningData data) {
        DualEncoderModel p = DualEncoderMethods.dualEncoder(parent, method());
        DualEncoderRecipe r = (recipe == null ? p.recipe() : recipe).withSeed(p.info().seed());
        CostMeter cost = new CostMeter();
        DualEncoderModel child = DualEncoderTraining.train(data.train(), data.retainPositions(), p.captions(), r, cost,
                "retrain (dual encoder)");
        return new UnlearningResult(child, method(), cost.cost(), Map.of("epochs", String.valueOf(r.epochs()),
                "seed", String.valueOf(r.seed())));
    }
}
