package io.unlearn.unlearning.internal.denoiser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.unlearn.catalog.families.DenoiserFamily;
import io.unlearn.unlearning.spi.Dataset;
import io.unlearn.unlearning.spi.DenoiserEvaluationSettings;
import io.unlearn.unlearning.spi.Evaluation;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningResult;
import org.junit.jupiter.api.Test;

/** One short SISS run on the tiny memorization setting. */
class SissTest {

    private static final DenoiserEvaluationSettings EVAL = new DenoiserEvaluationSettings(20, 120, 7L);

    @Test
    void shouldLowerTheDeletedImagesDenoisingAdvantageWhileHeldOutLossStaysWithinBound() {
        // Given a denoiser trained on 240 images plus 20 copies of the glyph, and a request naming the copies
        Dataset d = DenoiserTestData.dataset();
        UnlearningData data = UnlearningData.of(d.train(), d.test(), DenoiserTestData.glyphCopies(d.train()));
        try (DenoiserModel base = DenoiserModelTest.train(d.train(), 8)) {
            Evaluation before = DenoiserEvaluator.evaluate(base, data, EVAL);

            // When SISS runs 30 steps
            UnlearningResult result = new Siss(0.5, 0.1f, 1e-3f, 32, 30, 42L).apply(base, data);
            try (ModelHandle child = result.model()) {
                Evaluation after = DenoiserEvaluator.evaluate((DenoiserModel) child, data, EVAL);
                System.out.println("SISS test: before " + before.values() + System.lineSeparator() + "  after "
                        + after.values());

                // Then
                double advantageBefore = before.require(DenoiserFamily.DENOISING_LOSS_ADVANTAGE);
                double advantageAfter = after.require(DenoiserFamily.DENOISING_LOSS_ADVANTAGE);
                assertTrue(advantageAfter < advantageBefore - 0.1, "advantage " + advantageBefore + " -> "
                        + advantageAfter);
                double testBefore = before.require(DenoiserFamily.TEST_DENOISING_LOSS);
                double testAfter = after.require(DenoiserFamily.TEST_DENOISING_LOSS);
                assertTrue(testAfter < testBefore * 1.25 + 0.02, "held-out loss " + testBefore + " -> " + testAfter);
                assertEquals(DenoiserFamily.SISS, result.method());
                assertEquals(2L * 30 * 32, result.cost().backwardSamplePasses(), "two back-propagated terms a step");
            }
        }
    }
}
