package io.unlearn.unlearning.internal.dualencoder;

import io.unlearn.catalog.families.DualEncoderFamily;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.unlearn.unlearning.internal.data.SyntheticImages;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.GradientSteps;
import io.unlearn.unlearning.internal.train.Progress;
import io.unlearn.unlearning.spi.DualEncoderRecipe;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.Unlearning;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DualEncoderModelTest {

    private static final ImageSet SET = SyntheticImages.generate(32, 4, 8, 0.2f, 1, 2, "tiny");
    private static final Captions CAPTIONS = Captions.forDataset(SET);
    private static final DualEncoderArchitecture ARCH = new DualEncoderArchitecture(4, 8, 8, 4, 8, 16, 8,
            CAPTIONS.vocabulary().size(), 8, 16);

    private static byte[] bytes(ModelHandle m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.save(out);
        return out.toByteArray();
    }

    private static Map<String, float[]> parameters(DualEncoderModel m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : m.block().getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    private static void assertSameParameters(DualEncoderModel a, DualEncoderModel b) {
        Map<String, float[]> x = parameters(a);
        Map<String, float[]> y = parameters(b);
        assertEquals(x.keySet(), y.keySet());
        for (String name : x.keySet()) {
            assertEquals(x.get(name).length, y.get(name).length, name);
            for (int i = 0; i < x.get(name).length; i++) {
                assertEquals(Float.floatToRawIntBits(x.get(name)[i]), Float.floatToRawIntBits(y.get(name)[i]),
                        name + "[" + i + "]");
            }
        }
    }

    private static void trainOneStep(DualEncoderModel model) {
        try (PairSteps steps = new PairSteps(model, GradientSteps.adam(0.01f), new CostMeter(), new Progress("t", 0))) {
            steps.step(s -> {
                PairSteps.Embedded e = s.pairs(SET, new int[] {0, 1, 2, 3, 4, 5, 6, 7});
                return ClipLosses.clip(e.images(), e.texts(), e.scale());
            });
        }
    }

    @Test
    void shouldRoundTripAFamilyDualEncoderBitExactlyThroughAFile(@TempDir Path dir) throws IOException {
        try (DualEncoderModel model = DualEncoderModel.create(ARCH, CAPTIONS, DualEncoderRecipe.defaults())) {
            trainOneStep(model); // Adam-moved values, not just the initializer's
            model.recordForgotten(ForgetRequest.ofSamples(Set.of("3", "12")));
            Path file = dir.resolve("dual.model");
            model.save(file);

            try (ModelHandle loaded = Unlearning.loadModel(new ByteArrayInputStream(Files.readAllBytes(file)))) {
                assertEquals(DualEncoderFamily.DUAL_ENCODER, loaded.family());
                assertEquals(model.info(), loaded.info());
                assertEquals(model.forgotten(), loaded.forgotten());
                DualEncoderModel d = (DualEncoderModel) loaded;
                assertEquals(CAPTIONS, d.captions());
                assertEquals(model.recipe(), d.recipe());
                assertEquals(ARCH, d.block().architecture());
                assertSameParameters(model, d);
                assertArrayEquals(bytes(model), bytes(loaded));
            }
        }
    }

    @Test
    void shouldLeaveTheParentUntouchedWhenItsCopyIsTrained() throws IOException {
        try (DualEncoderModel parent = DualEncoderModel.create(ARCH, CAPTIONS, DualEncoderRecipe.defaults())) {
            byte[] before = bytes(parent);
            try (DualEncoderModel child = parent.copy()) {
                assertArrayEquals(before, bytes(child));
                trainOneStep(child);
                assertFalse(java.util.Arrays.equals(before, bytes(child)), "the child should have changed");
            }
            assertArrayEquals(before, bytes(parent));
        }
    }

    @Test
    void shouldDeriveTheSameCaptionFromTheSameSampleIdAndLabel() {
        Captions fashion = new Captions(Captions.FASHION_MNIST_CLASSES, Captions.TRAINING_TEMPLATES,
                Captions.HELD_OUT_TEMPLATES);

        String caption = fashion.caption(12345, 9);

        assertEquals(caption, new Captions(Captions.FASHION_MNIST_CLASSES, Captions.TRAINING_TEMPLATES,
                Captions.HELD_OUT_TEMPLATES).caption(12345, 9));
        assertTrue(caption.endsWith("ankle boot") || caption.contains("ankle boot in"), caption);
        // neighbouring ids spread over the templates
        long distinct = java.util.stream.IntStream.range(0, 64).mapToObj(i -> fashion.caption(i, 0)).distinct().count();
        assertEquals(Captions.TRAINING_TEMPLATES.size(), distinct);
        for (int k = 0; k < 10; k++) {
            for (String prompt : fashion.prompts(k)) {
                assertFalse(java.util.stream.IntStream.range(0, 64).mapToObj(i -> fashion.caption(i, 0))
                        .anyMatch(prompt::equals), "a zero-shot prompt must never caption a training pair");
            }
        }
    }

    @Test
    void shouldRejectAHeldOutTemplateWithAWordNoTrainingCaptionUses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Captions(List.of("cat"), List.of("a photo of a {}"), List.of("a drawing of a {}")));

        assertTrue(e.getMessage().contains("'drawing'"), e.getMessage());
    }

    @Test
    void shouldEncodeACaptionAsTheMeanOfItsOneHotTokens() {
        Captions c = new Captions(List.of("ankle boot"), List.of("a {}"), List.of("{} a"));

        float[] bag = c.bagsOfWords(List.of("a ankle boot"));

        assertEquals(List.of("a", "ankle", "boot"), c.vocabulary());
        assertArrayEquals(new float[] {1f / 3, 1f / 3, 1f / 3}, bag, 1e-7f);
        assertNotEquals(c.caption(0, 0), "");
    }
}
