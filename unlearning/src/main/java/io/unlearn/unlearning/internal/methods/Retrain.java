package io.unlearn.unlearning.internal.methods;

import io.unlearn.catalog.families.Classifiers;

import io.unlearn.unlearning.errors.UnlearningException;
import io.unlearn.unlearning.internal.model.ClassifierModel;
import io.unlearn.unlearning.internal.train.ClassifierTraining;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.TrainingRecipe;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.Map;

/**
 * Exact unlearning, the reference: {@code θ_retrain = Train(D_r; recipe, seed of the parent)}. The parent's
 * parameters are not used, only its seed. Only the built-in {@code classifier} family can be retrained.
 */
public final class Retrain implements UnlearningMethod {

    private final TrainingRecipe recipe;

    /**
     * @param recipe the training recipe (default {@link TrainingRecipe#defaults()}); its seed is replaced by
     *     the parent's
     */
    public Retrain(TrainingRecipe recipe) {
        this.recipe = recipe;
    }

    @Override
    public MethodSpec method() {
        return Classifiers.RETRAIN;
    }

    @Override
    public UnlearningResult apply(ModelHandle parent, UnlearningData data) {
        if (Networks.classifier(parent, method()).family() != Classifiers.CLASSIFIER) {
            throw new UnlearningException("retrain trains the built-in classifier from scratch and cannot re-create a "
                    + parent.family().id() + " model; use fine_tune, neg_grad_plus or contrastive");
        }
        CostMeter cost = new CostMeter();
        TrainingRecipe r = recipe.withSeed(parent.info().seed());
        ClassifierModel child = ClassifierTraining.train(data.train(), data.retainPositions(), r, cost, "retrain");
        return new UnlearningResult(child, method(), cost.cost(), Map.of("epochs", String.valueOf(r.epochs()),
                "seed", String.valueOf(r.seed())));
    }
}
