package io.unlearn.unlearning.internal.families;

import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.Settings;
import io.unlearn.unlearning.spi.Evaluation;
import io.unlearn.unlearning.spi.EvaluationSettings;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;

/** How the ML core carries out one family of the catalog: each of its methods, and its evaluation. */
public interface FamilyImplementation {

    /** @return the catalog's description of the family */
    FamilySpec family();

    /**
     * @param settings complete settings of one of the family's methods ({@link Settings#method()})
     * @param parentSeed the parent's seed, which exact retraining reuses
     * @return the method, ready to apply to a model of this family
     */
    UnlearningMethod method(Settings settings, long parentSeed);

    /**
     * @param model a model of this family
     * @param data the split
     * @param settings sizes and seeds of the evaluation
     * @return every metric of the family's catalog entry that can be measured on this split (on-request metrics
     *     when {@code settings} asks for them)
     */
    Evaluation evaluate(ModelHandle model, UnlearningData data, EvaluationSettings settings);
}
