package io.unlearn.unlearning.internal.families;

import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.catalog.Settings;
import io.unlearn.catalog.families.Classifiers;
import io.unlearn.unlearning.errors.UnlearningException;
import io.unlearn.unlearning.internal.methods.ContrastiveUnlearning;
import io.unlearn.unlearning.internal.methods.DkvbUnlearning;
import io.unlearn.unlearning.internal.methods.FineTune;
import io.unlearn.unlearning.internal.methods.NegGradPlus;
import io.unlearn.unlearning.internal.methods.Retrain;
import io.unlearn.unlearning.internal.metrics.Evaluator;
import io.unlearn.unlearning.internal.model.Network;
import io.unlearn.unlearning.spi.ContrastiveSettings;
import io.unlearn.unlearning.spi.DkvbSettings;
import io.unlearn.unlearning.spi.Evaluation;
import io.unlearn.unlearning.spi.EvaluationSettings;
import io.unlearn.unlearning.spi.FineTuneSettings;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.NegGradPlusSettings;
import io.unlearn.unlearning.spi.TrainingRecipe;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;

/**
 * The three image-classifier families share their networks' interface ({@link Network}: images to embedding and
 * logits), so they share method classes and the evaluator; each family offers the subset its catalog entry lists.
 *
 * @param family one of {@link Classifiers#CLASSIFIER}, {@link Classifiers#DKVB_CLASSIFIER},
 *     {@link Classifiers#TORCHSCRIPT_CLASSIFIER}
 */
record ClassifierImplementation(FamilySpec family) implements FamilyImplementation {

    @Override
    public UnlearningMethod method(Settings settings, long parentSeed) {
        MethodSpec m = settings.method();
        if (family.method(m.id()).orElse(null) != m) {
            throw new UnlearningException("a " + family.id() + " model is unlearned by " + family.methodIds()
                    + ", not " + m.id());
        }
        if (m == Classifiers.RETRAIN) {
            return new Retrain(TrainingRecipe.from(settings, parentSeed));
        } else if (m == Classifiers.FINE_TUNE) {
            return new FineTune(FineTuneSettings.from(settings));
        } else if (m == Classifiers.NEG_GRAD_PLUS) {
            return new NegGradPlus(NegGradPlusSettings.from(settings));
        } else if (m == Classifiers.CONTRASTIVE) {
            return new ContrastiveUnlearning(ContrastiveSettings.from(settings));
        } else if (m == Classifiers.DKVB) {
            return new DkvbUnlearning(DkvbSettings.from(settings));
        }
        throw new UnlearningException("no implementation of " + m.id() + " for " + family.id());
    }

    @Override
    public Evaluation evaluate(ModelHandle model, UnlearningData data, EvaluationSettings settings) {
        if (!(model instanceof Network n) || model.family() != family) {
            throw new UnlearningException("cannot evaluate a " + model.family().id() + " model as " + family.id());
        }
        return Evaluator.evaluate(n, data, settings);
    }
}
