package io.unlearn.unlearning.internal.model;

import io.unlearn.catalog.families.Classifiers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static io.unlearn.unlearning.internal.model.ModelSnapshots.bytes;
import static io.unlearn.unlearning.internal.model.ModelSnapshots.parameters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.unlearn.unlearning.errors.ModelFormatException;
import io.unlearn.unlearning.internal.data.SyntheticImages;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.GradientSteps;
import io.unlearn.unlearning.internal.train.Losses;
import io.unlearn.unlearning.internal.train.Progress;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.Unlearning;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFormatTest {

    private static final ClassifierArchitecture ARCH = new ClassifierArchitecture(4, 8, 8, 4, 8, 16, 8);

    private static void assertSameParameters(Network a, Network b) {
        ModelSnapshots.assertSameParameters(parameters(a), parameters(b));
    }

    @Test
    void shouldRoundTripClassifierParametersBitExactlyThroughAFile(@TempDir Path dir) throws IOException {
        try (ClassifierModel model = ClassifierModel.create(ARCH, 3)) {
            Path file = dir.resolve("model.bin");
            model.save(file);

            try (ModelHandle loaded = Unlearning.loadModel(new ByteArrayInputStream(java.nio.file.Files.readAllBytes(
                    file)))) {
                assertEquals(Classifiers.CLASSIFIER, loaded.family());
                assertEquals(model.info(), loaded.info());
                assertSameParameters(model, (Network) loaded);
                assertArrayEquals(bytes(model), bytes(loaded));
            }
        }
    }

    @Test
    void shouldLeaveTheParentUntouchedWhenItsCopyIsTrained() throws IOException {
        ImageSet set = SyntheticImages.generate(32, 4, 8, 0.2f, 1, 2, "tiny");
        try (ClassifierModel parent = ClassifierModel.create(ARCH, 3)) {
            byte[] before = bytes(parent);
            try (ClassifierModel child = parent.copy()) {
                assertArrayEquals(before, bytes(child));
                try (GradientSteps steps = new GradientSteps(child, GradientSteps.sgd(0.5f), new CostMeter(),
                        new Progress("test", 0))) {
                    steps.step(s -> {
                        GradientSteps.Outputs o = s.forward(set, new int[] {0, 1, 2, 3, 4, 5, 6, 7});
                        return Losses.crossEntropy(o.logits(), o.labels());
                    });
                }
                assertFalse(Arrays.equals(before, bytes(child)), "the child should have changed");
            }
            assertArrayEquals(before, bytes(parent));
        }
    }

    @Test
    void shouldSaveTheDkvbKeyMaskWithTheModel() throws IOException {
        try (ClassifierModel classifier = ClassifierModel.create(ARCH, 3);
                DkvbModel dkvb = DkvbModel.create(classifier, new DkvbArchitecture(3, 4, 2), 5)) {
            float[] mask = new float[12];
            mask[1] = 1f;
            mask[10] = 1f;
            dkvb.setKeyMask(mask);

            try (ModelHandle loaded = Unlearning.loadModel(new ByteArrayInputStream(bytes(dkvb)))) {
                assertEquals(Classifiers.DKVB_CLASSIFIER, loaded.family());
                assertArrayEquals(mask, ((DkvbModel) loaded).keyMask());
                assertSameParameters(dkvb, (Network) loaded);
            }
        }
    }

    @Test
    void shouldRejectBytesWithAnotherMagicOrAnUnknownFormatVersion() throws IOException {
        ByteArrayOutputStream wrongMagic = new ByteArrayOutputStream();
        new DataOutputStream(wrongMagic).writeUTF("something else");
        ModelFormatException magic = assertThrows(ModelFormatException.class,
                () -> Unlearning.loadModel(new ByteArrayInputStream(wrongMagic.toByteArray())));
        assertTrue(magic.getMessage().contains("magic"), magic.getMessage());

        ByteArrayOutputStream future = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(future);
        out.writeUTF(ModelFormat.MAGIC);
        out.writeInt(99);
        ModelFormatException version = assertThrows(ModelFormatException.class,
                () -> Unlearning.loadModel(new ByteArrayInputStream(future.toByteArray())));
        assertTrue(version.getMessage().contains("version 99"), version.getMessage());
    }

    @Test
    void shouldSaveWhatAVersionForgotAndKeepItInCopies() throws IOException {
        ForgetRequest forgotten = new ForgetRequest(Set.of("12", "3", "100"), Set.of("subject-7"), Set.of(2));
        try (ClassifierModel model = ClassifierModel.create(ARCH, 3)) {
            assertTrue(model.forgotten().isEmpty(), "a new model forgot nothing");
            model.recordForgotten(forgotten);

            try (ModelHandle loaded = Unlearning.loadModel(new ByteArrayInputStream(bytes(model)));
                    ModelHandle copy = model.copy()) {
                assertEquals(forgotten, loaded.forgotten());
                assertEquals(forgotten, copy.forgotten());
                assertArrayEquals(bytes(model), bytes(loaded), "equal models save equal bytes");
            }
        }
    }

    @Test
    void shouldReadFormatVersionOneAsAModelThatForgotNothing() throws IOException {
        try (ClassifierModel model = ClassifierModel.create(ARCH, 3)) {
            ByteArrayOutputStream v1 = new ByteArrayOutputStream();
            ModelFormat.write(v1, 1, Classifiers.CLASSIFIER, model.info(), ForgetRequest.ofClasses(1),
                    model.classifierBlock().architecture(), null, model.classifierBlock());

            try (ModelHandle loaded = Unlearning.loadModel(new ByteArrayInputStream(v1.toByteArray()))) {
                assertTrue(loaded.forgotten().isEmpty());
                assertSameParameters(model, (Network) loaded);
            }
        }
    }
}
