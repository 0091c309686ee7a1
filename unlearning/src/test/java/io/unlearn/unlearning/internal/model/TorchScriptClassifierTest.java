package io.unlearn.unlearning.internal.model;

import io.unlearn.catalog.families.Classifiers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static io.unlearn.unlearning.internal.model.ModelSnapshots.assertSameParameters;
import static io.unlearn.unlearning.internal.model.ModelSnapshots.bytes;
import static io.unlearn.unlearning.internal.model.ModelSnapshots.parameters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.unlearn.unlearning.errors.ModelFormatException;
import io.unlearn.unlearning.errors.UnlearningException;
import io.unlearn.unlearning.internal.data.SyntheticImages;
import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.GradientSteps;
import io.unlearn.unlearning.internal.train.Losses;
import io.unlearn.unlearning.internal.train.Progress;
import io.unlearn.unlearning.spi.DkvbRecipe;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.TrainingRecipe;
import io.unlearn.unlearning.spi.Unlearning;
import io.unlearn.unlearning.spi.UnlearningData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TorchScriptClassifier} on a TorchScript file written by PyTorch 1.13 ({@link TorchScriptFixture}, Debian's
 * python3-torch) and run by DJL's libtorch: loading, the convention, training in place, copies and the save format.
 */
class TorchScriptClassifierTest {

    private static final int CLASSES = 4;
    private static final int SIDE = TorchScriptFixture.PROBE_SIDE;
    private static final int EMBEDDING = 64;
    private static final Set<String> PARAMETERS = Set.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
            "hidden.weight", "hidden.bias", "project1.weight", "project1.bias", "project2.weight", "project2.bias",
            "head.weight", "head.bias");

    @TempDir
    static Path fixtureDir;
    private static TorchScriptFixture.Fixtures files;
    private static ImageSet set;

    @BeforeAll
    static void generateTheFixture() throws IOException {
        set = SyntheticImages.generate(32, CLASSES, SIDE, 0.2f, 1, 2, "tiny");
        if (TorchScriptFixture.torchAvailable()) {
            files = TorchScriptFixture.generate(fixtureDir, CLASSES, 5);
        }
    }

    @BeforeEach
    void needsTorch() {
        TorchScriptFixture.assumeTorch();
    }

    private static TorchScriptClassifier load() {
        return (TorchScriptClassifier) Unlearning.loadTorchScript(files.tinyCnn(), CLASSES, SIDE, SIDE);
    }

    /** @return (z, logits) of the probe batch, evaluation mode */
    private static float[][] probe(Network n) {
        try (NDManager m = n.djlModel().getNDManager().newSubManager()) {
            NDList out = n.forward(new ParameterStore(m, false),
                    m.create(TorchScriptFixture.probePixels(), new Shape(2, 1, SIDE, SIDE)), false);
            return new float[][] {out.get(0).toFloatArray(), out.get(1).toFloatArray()};
        }
    }

    private static void trainSteps(Network n, int steps) {
        try (GradientSteps g = new GradientSteps(n, GradientSteps.sgd(0.2f), new CostMeter(), new Progress("t", 0))) {
            for (int s = 0; s < steps; s++) {
                int from = (s * 8) % set.size();
                int[] batch = {from, from + 1, from + 2, from + 3, from + 4, from + 5, from + 6, from + 7};
                g.step(step -> {
                    GradientSteps.Outputs o = step.forward(set, batch);
                    return Losses.crossEntropy(o.logits(), o.labels());
                });
            }
        }
    }

    @Test
    void shouldLoadTheScriptedModuleWithEveryParameterTrainable() {
        try (TorchScriptClassifier model = load()) {
            assertEquals(Classifiers.TORCHSCRIPT_CLASSIFIER, model.family());
            assertEquals(EMBEDDING, model.embeddingDim());
            assertEquals(CLASSES, model.info().numClasses());
            assertEquals(SIDE, model.info().imageRows());
            assertEquals("PyTorch", model.info().engine());
            assertTrue(model.forgotten().isEmpty());
            assertEquals(new Shape(1, 1, SIDE, SIDE), model.inputShape());

            Map<String, Parameter> params = new LinkedHashMap<>();
            model.symbolBlock().getParameters().forEach(p -> params.put(p.getKey(), p.getValue()));
            assertEquals(PARAMETERS, params.keySet());
            for (Map.Entry<String, Parameter> p : params.entrySet()) {
                assertTrue(p.getValue().requiresGradient(), p.getKey() + " should be trainable");
                assertTrue(p.getValue().getArray().hasGradient(), p.getKey() + " should require grad in libtorch");
            }
        }
    }

    @Test
    void shouldComputeWhatPyTorchComputedForTheSameImages() throws IOException {
        try (TorchScriptClassifier model = load()) {
            float[][] out = probe(model);

            assertArrayEquals(files.expected("z"), out[0], 1e-5f, "embedding");
            assertArrayEquals(files.expected("logits"), out[1], 1e-5f, "logits");
            assertEquals(2 * CLASSES, out[1].length);
            for (int row = 0; row < 2; row++) {
                double norm = 0;
                for (int i = 0; i < EMBEDDING; i++) {
                    norm += out[0][row * EMBEDDING + i] * out[0][row * EMBEDDING + i];
                }
                assertEquals(1.0, Math.sqrt(norm), 1e-5, "z is L2-normalized");
            }
        }
    }

    @Test
    void shouldUpdateTheModulesOwnParametersWhenTrainedAndSaveThemBitExactly(@TempDir Path dir) throws IOException {
        try (TorchScriptClassifier model = load()) {
            Map<String, float[]> fromFile = parameters(model);
            float[][] before = probe(model);
            trainSteps(model, 3);
            ForgetRequest forgotten = new ForgetRequest(Set.of("3", "12"), Set.of("subject-1"), Set.of(2));
            model.recordForgotten(forgotten);
            Map<String, float[]> trained = parameters(model);
            assertFalse(Arrays.equals(fromFile.get("head.weight"), trained.get("head.weight")),
                    "training should change the parameters");
            assertFalse(Arrays.equals(before[1], probe(model)[1]), "the module should compute with the new values");

            Path file = dir.resolve("model.bin");
            model.save(file);
            try (ModelHandle loaded = Unlearning.loadModel(new ByteArrayInputStream(Files.readAllBytes(file)))) {
                TorchScriptClassifier l = assertInstanceOf(TorchScriptClassifier.class, loaded);
                assertEquals(Classifiers.TORCHSCRIPT_CLASSIFIER, l.family());
                assertEquals(model.info(), l.info());
                assertEquals(forgotten, l.forgotten());
                assertEquals(EMBEDDING, l.embeddingDim());
                assertSameParameters(trained, parameters(l));
                float[][] a = probe(model);
                float[][] b = probe(l);
                assertArrayEquals(a[0], b[0], 0f);
                assertArrayEquals(a[1], b[1], 0f);
                assertArrayEquals(bytes(model), bytes(l), "equal models save equal bytes");
                // and a loaded version trains on
                trainSteps(l, 1);
                assertFalse(Arrays.equals(trained.get("head.weight"), parameters(l).get("head.weight")));
            }
        }
    }

    @Test
    void shouldLeaveTheParentUntouchedWhenItsCopyIsTrained() throws IOException {
        try (TorchScriptClassifier parent = load()) {
            byte[] before = bytes(parent);
            try (TorchScriptClassifier child = parent.copy()) {
                assertArrayEquals(before, bytes(child));
                trainSteps(child, 2);
                byte[] trained = bytes(child);
                assertFalse(Arrays.equals(before, trained), "the child should have changed");
                // saved right after training passes, loaded (and probed in eval mode): still the same bytes
                try (TorchScriptClassifier grandchild = child.copy()) {
                    assertArrayEquals(trained, bytes(grandchild), "the bytes must not depend on the last pass");
                }
            }
            assertArrayEquals(before, bytes(parent));
        }
    }

    @Test
    void shouldRunTrainingPassesInTrainModeAndEvaluationPassesInEvalModeAlsoOnACopy() {
        // mode_probe adds 1 to its logits in train() mode; a copy is saved in eval() mode, then trained
        try (TorchScriptClassifier loaded = (TorchScriptClassifier) Unlearning.loadTorchScript(files.modeProbe(),
                CLASSES, SIDE, SIDE); TorchScriptClassifier model = loaded.copy()) {
            int[] batch = {0, 1, 2, 3};
            float[][] shift = new float[2][];
            // the first pass on the fresh copy trains, as in fine_tune and neg_grad_plus; lr 0 keeps the parameters
            for (int round = 0; round < 2; round++) {
                float[][] train = new float[1][];
                try (GradientSteps g = new GradientSteps(model, GradientSteps.sgd(0f), new CostMeter(),
                        new Progress("t", 0))) {
                    g.step(step -> {
                        GradientSteps.Outputs o = step.forward(set, batch);
                        train[0] = o.logits().toFloatArray();
                        return Losses.crossEntropy(o.logits(), o.labels());
                    });
                }
                float[] eval = evalLogits(model, batch);
                shift[round] = new float[eval.length];
                for (int i = 0; i < eval.length; i++) {
                    shift[round][i] = train[0][i] - eval[i];
                }
            }
            for (float[] round : shift) {
                for (float d : round) {
                    assertEquals(1f, d, 1e-4f, "training logits minus evaluation logits " + Arrays.toString(round));
                }
            }
        }
    }

    @Test
    void shouldUpdateBatchNormStatisticsInTrainingPassesAndCarryThemIntoCopies() {
        try (TorchScriptClassifier model = (TorchScriptClassifier) Unlearning.loadTorchScript(files.batchNorm(),
                CLASSES, SIDE, SIDE)) {
            int[] batch = {0, 1, 2, 3, 4, 5, 6, 7};
            Map<String, float[]> params = parameters(model);
            float[] before = evalLogits(model, batch);
            // learning rate 0: the parameters stay, only the running statistics (buffers) move in train() mode
            try (GradientSteps g = new GradientSteps(model, GradientSteps.sgd(0f), new CostMeter(),
                    new Progress("t", 0))) {
                for (int s = 0; s < 3; s++) {
                    g.step(step -> {
                        GradientSteps.Outputs o = step.forward(set, batch);
                        return Losses.crossEntropy(o.logits(), o.labels());
                    });
                }
            }
            assertSameParameters(params, parameters(model));
            float[] after = evalLogits(model, batch);
            assertFalse(Arrays.equals(before, after), "training passes should update the running statistics");

            try (TorchScriptClassifier copy = model.copy()) {
                assertArrayEquals(after, evalLogits(copy, batch), 0f, "a copy carries the running statistics");
            }
        }
    }

    private static float[] evalLogits(Network n, int[] batch) {
        try (NDManager m = n.djlModel().getNDManager().newSubManager()) {
            return n.forward(new ParameterStore(m, false),
                    Batches.images(m, set, batch), false).get(1).toFloatArray();
        }
    }

    @Test
    void shouldRejectAModuleThatReturnsOnlyLogits() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> Unlearning.loadTorchScript(files.logitsOnly(), CLASSES, SIDE, SIDE));

        assertTrue(e.getMessage().contains("must return a tuple (embedding (N, E), logits (N, 4))"), e.getMessage());
        assertTrue(e.getMessage().contains("returned 1 array(s): (2, 4)"), e.getMessage());
    }

    @Test
    void shouldRejectLogitsOfAnotherClassCountOrAMissingFile(@TempDir Path dir) {
        ModelFormatException classes = assertThrows(ModelFormatException.class,
                () -> Unlearning.loadTorchScript(files.tinyCnn(), CLASSES + 1, SIDE, SIDE));
        assertTrue(classes.getMessage().contains("logits (2, 5)"), classes.getMessage());
        assertTrue(classes.getMessage().contains("returned (2, 64), (2, 4)"), classes.getMessage());

        ModelFormatException missing = assertThrows(ModelFormatException.class,
                () -> Unlearning.loadTorchScript(dir.resolve("absent.pt"), CLASSES, SIDE, SIDE));
        assertTrue(missing.getMessage().contains("absent.pt"), missing.getMessage());
    }

    @Test
    void shouldRefuseRetrainAndDkvbWhichNeedTheBuiltInClassifier() {
        UnlearningData data = UnlearningData.of(set, set, ForgetRequest.ofClasses(1));
        try (TorchScriptClassifier model = load()) {
            UnlearningException retrain = assertThrows(UnlearningException.class,
                    () -> Unlearning.retrain(new TrainingRecipe(1, 8, 1e-3f, 1)).apply(model, data));
            assertTrue(retrain.getMessage().contains("torchscript_classifier"), retrain.getMessage());

            UnlearningException dkvb = assertThrows(UnlearningException.class,
                    () -> Unlearning.trainDkvb(model, set, DkvbRecipe.defaults()));
            assertTrue(dkvb.getMessage().contains("torchscript_classifier"), dkvb.getMessage());
        }
    }
}
