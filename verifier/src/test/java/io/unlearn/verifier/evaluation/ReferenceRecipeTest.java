package io.unlearn.verifier.evaluation;

import io.unlearn.catalog.families.Classifiers;

import io.unlearn.catalog.Settings;
import io.unlearn.catalog.UnlearningPolicy;
import io.unlearn.catalog.families.DenoiserFamily;
import io.unlearn.unlearning.spi.TrainingRecipe;
import io.unlearn.verifier.errors.UnverifiableCandidateException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReferenceRecipeTest {

    private static final TrainingRecipe FALLBACK = new TrainingRecipe(4, 128, 1e-3f, 42);

    private static UnlearningPolicy policy(String method, Map<String, String> settings) {
        return new UnlearningPolicy(method, settings, List.of(), 2);
    }

    private static TrainingRecipe reference(UnlearningPolicy policy) {
        return TrainingRecipe.from(CandidateEvaluation.referenceSettings(Classifiers.CLASSIFIER, policy, FALLBACK), 42);
    }

    @Test
    void shouldTakeTheWorkersExactRetrainingSettingsFromThePolicy() {
        TrainingRecipe r = reference(policy("contrastive",
                Map.of("retrain.epochs", "3", "retrain.learningRate", "0.002", "maxEpochs", "9")));

        assertEquals(new TrainingRecipe(3, 128, 0.002f, 42), r);
    }

    @Test
    void shouldReadUnprefixedSettingsWhenThePolicysMethodIsRetraining() {
        TrainingRecipe r = reference(policy("retrain", Map.of("epochs", "2", "batchSize", "64")));

        assertEquals(new TrainingRecipe(2, 64, 1e-3f, 42), r);
    }

    @Test
    void shouldUseTheConfiguredRecipeWhereThePolicySaysNothing() {
        assertEquals(FALLBACK, reference(policy("fine_tune", Map.of())));
    }

    @Test
    void shouldKeepTheParentsRecipeForAFamilyWhoseRetrainingDefaultsToIt() {
        // Given a denoiser policy that sets only the retraining's epochs
        UnlearningPolicy policy = policy("siss", Map.of("retrain.epochs", "3"));

        // When
        Settings s = CandidateEvaluation.referenceSettings(DenoiserFamily.DENOISER, policy, FALLBACK);

        // Then the configured (classifier) batch size and learning rate do not replace the parent's recipe
        assertEquals(3, s.integer("epochs"));
        assertEquals(0, s.integer("batchSize"), "0 = the parent's saved batch size");
        assertEquals(0f, s.decimal("learningRate"));
    }

    @Test
    void shouldNameTheSettingsWhenAValueIsNotUsable() {
        UnverifiableCandidateException e = assertThrows(UnverifiableCandidateException.class, () ->
                reference(policy("contrastive", Map.of("retrain.epochs", "many"))));

        assertTrue(e.getMessage().contains("epochs"), e.getMessage());
    }
}
