package io.unlearn.unlearning.internal.denoiser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.unlearn.catalog.families.DenoiserFamily;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.Progress;
import io.unlearn.unlearning.spi.Dataset;
import io.unlearn.unlearning.spi.DenoiserRecipe;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.Unlearning;
import io.unlearn.unlearning.spi.UnlearningData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The denoiser model: save format, finite gradients, sampling, and its memorization data set. */
class DenoiserModelTest {

    @Test
    void shouldRoundTripBitExactlyThroughTheVersionedFormat() throws IOException {
        // Given a trained denoiser that forgot something
        Dataset d = DenoiserTestData.dataset();
        try (DenoiserModel model = train(d.train(), 1)) {
            model.recordForgotten(ForgetRequest.ofSubjects(Set.of("subject-24")));
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            model.save(first);

            // When
            try (ModelHandle loaded = Unlearning.loadModel(new ByteArrayInputStream(first.toByteArray()))) {
                ByteArrayOutputStream second = new ByteArrayOutputStream();
                loaded.save(second);

                // Then
                assertArrayEquals(first.toByteArray(), second.toByteArray());
                DenoiserModel back = assertInstanceOf(DenoiserModel.class, loaded);
                assertEquals(DenoiserFamily.DENOISER, back.family());
                assertEquals(model.schedule(), back.schedule());
                assertEquals(model.recipe(), back.recipe());
                assertEquals(model.block().architecture(), back.block().architecture());
                assertEquals(Set.of("subject-24"), back.forgotten().subjectIds());
                assertArrayEquals(Sampler.sample(model, 3, 5), Sampler.sample(back, 3, 5));
            }
        }
    }

    @Test
    void shouldKeepEveryGradientFiniteAcrossStepsAndBatchSizes() {
        // Given a fresh network (every convolution a multiple of 16 channels)
        Dataset d = DenoiserTestData.dataset();
        try (DenoiserModel model = DenoiserModel.create(DenoiserTestData.architecture(), NoiseSchedule.defaults(),
                4, new DenoiserRecipe(1, 8, 1e-3f, 3))) {
            DenoiserSteps steps = new DenoiserSteps(model, 1e-3f, 1f, new CostMeter(), new Progress("test", 0));
            Random random = new Random(1);
            double[] alphaBars = model.schedule().alphaBars();
            // When 12 steps run on batches of 1 to 23 images
            for (int s = 0; s < 12; s++) {
                int n = 1 + 2 * s;
                int[] batch = new int[n];
                for (int i = 0; i < n; i++) {
                    batch[i] = random.nextInt(d.train().size());
                }
                try (NDManager step = steps.newStep()) {
                    DenoiserSteps.Gradient g = steps.gradient(step,
                            NoisyBatch.of(d.train(), batch, model.schedule(), alphaBars, random));
                    // Then every element of every gradient is finite
                    for (NDArray a : g.grads()) {
                        for (float v : a.toFloatArray()) {
                            assertTrue(Float.isFinite(v), "non-finite gradient at step " + s);
                        }
                    }
                    assertTrue(Float.isFinite(g.loss()));
                    steps.apply(g.grads(), n);
                }
            }
        }
    }

    @Test
    void shouldGiveTheGlyphCopiesWholeSubjectsOfTheirOwn() {
        // Given the memorization data set
        ImageSet train = DenoiserTestData.dataset().train();

        // When the copies' subjects are named
        UnlearningData bySubject = UnlearningData.of(train, DenoiserTestData.dataset().test(),
                ForgetRequest.ofSubjects(Set.of("subject-24", "subject-25")));

        // Then exactly the 20 copies are D_f, all identical, and they are not like the other images
        assertEquals(240, DenoiserTestData.firstCopyId());
        assertEquals(20, bySubject.forgetPositions().length);
        float[] first = new float[64];
        float[] other = new float[64];
        train.copyPixels(bySubject.forgetPositions()[0], first, 0);
        for (int p : bySubject.forgetPositions()) {
            train.copyPixels(p, other, 0);
            assertArrayEquals(first, other);
        }
        assertEquals(bySubject.forgetPositions().length,
                UnlearningData.of(train, DenoiserTestData.dataset().test(), DenoiserTestData.glyphCopies(train))
                        .forgetPositions().length);
    }

    @Test
    void shouldCountOnlyGeneratedImagesWithinTheScaledDistanceAsMemorized() {
        // Given the glyph at 28x28, one exact copy, one copy 0.3 off in every pixel, and one white image
        float[] glyph = io.unlearn.unlearning.internal.data.Glyphs.glyph(28, 28);
        float[] generated = new float[3 * 784];
        System.arraycopy(glyph, 0, generated, 0, 784);
        for (int j = 0; j < 784; j++) {
            generated[784 + j] = glyph[j] + 0.3f <= 1 ? glyph[j] + 0.3f : glyph[j] - 0.3f;
            generated[2 * 784 + j] = 1;
        }

        // When
        double share = DenoiserEvaluator.memorizationShare(generated, java.util.List.of(glyph), 28, 28);

        // Then the copies are within L2 10 (0.3 * 28 = 8.4), the white image is not
        assertEquals(2.0 / 3, share, 1e-9);
        assertEquals(10 * 8 / 28.0, DenoiserEvaluator.threshold(8, 8), 1e-9);
    }

    static DenoiserModel train(ImageSet set, int epochs) {
        int[] all = new int[set.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return DenoiserTraining.train(set, all, DenoiserTestData.architecture(), NoiseSchedule.defaults(),
                new DenoiserRecipe(epochs, 32, 2e-3f, 42L), new CostMeter(), "test denoiser");
    }
}
