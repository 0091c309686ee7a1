package io.unlearn.verifier.evaluation;

import io.unlearn.schemas.modelregistry.UnlearningPolicy;
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

    @Test
    void shouldTakeTheWorkersExactRetrainingSettingsFromThePolicy() {
        TrainingRecipe r = CandidateEvaluation.referenceRecipe(policy("contrastive",
                Map.of("retrain.epochs", "3", "retrain.learningRate", "0.002", "epochs", "9")), FALLBACK);

        assertEquals(new TrainingRecipe(3, 128, 0.002f, 42), r);
    }

    @Test
    void shouldReadUnprefixedSettingsWhenThePolicysMethodIsRetraining() {
        TrainingRecipe r = CandidateEvaluation.referenceRecipe(policy("retrain", Map.of("epochs", "2",
                "batchSize", "64")), FALLBACK);

        assertEquals(new TrainingRecipe(2, 64, 1e-3f, 42), r);
    }

    @Test
    void shouldUseTheConfiguredRecipeWhereThePolicySaysNothing() {
        assertEquals(FALLBACK, CandidateEvaluation.referenceRecipe(policy("fine_tune", Map.of()), FALLBACK));
    }

    @Test
    void shouldNameTheSettingsWhenAValueIsNotUsable() {
        UnverifiableCandidateException e = assertThrows(UnverifiableCandidateException.class, () ->
                CandidateEvaluation.referenceRecipe(policy("contrastive", Map.of("retrain.epochs", "many")), FALLBACK));

        assertTrue(e.getMessage().contains("retrain.epochs"), e.getMessage());
    }
}
