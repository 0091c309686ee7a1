package io.unlearn.unlearning.internal.dualencoder;

import io.unlearn.catalog.families.DualEncoderFamily;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.unlearn.unlearning.internal.data.SyntheticImages;
import io.unlearn.unlearning.spi.ClipEraseSettings;
import io.unlearn.unlearning.spi.DualEncoderEvaluationSettings;
import io.unlearn.unlearning.spi.DualEncoderRecipe;
import io.unlearn.unlearning.spi.DualEncoders;
import io.unlearn.unlearning.spi.Evaluation;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CLIPErase on a tiny generated data set: 4 classes of noisy 12x12 prototypes, captions "... class2 ...". */
class ClipEraseTest {

    private static final ImageSet TRAIN = SyntheticImages.generate(600, 4, 12, 0.35f, 7, 8, "synthetic/train");
    private static final ImageSet TEST = SyntheticImages.generate(200, 4, 12, 0.35f, 7, 9, "synthetic/test");
    private static final DualEncoderEvaluationSettings EVALUATION = new DualEncoderEvaluationSettings(200, 2000, 5,
            7L);
    private static ModelHandle parent;

    @BeforeAll
    static void trainParent() {
        parent = DualEncoders.train(TRAIN, new DualEncoderRecipe(4, 32, 1e-3f, 42L));
    }

    @AfterAll
    static void closeParent() {
        parent.close();
    }

    @Test
    void shouldDriveTheForgottenClassZeroShotAccuracyToTheTargetWhileRetainedClassesHold() {
        UnlearningData data = UnlearningData.of(TRAIN, TEST, ForgetRequest.ofClasses(2));
        Evaluation before = DualEncoders.evaluate(parent, data, EVALUATION);
        assertTrue(before.values().get(DualEncoders.FORGET_ZEROSHOT_ACCURACY) > 0.8,
                "the parent should recognise class 2 zero-shot: " + before.values());

        UnlearningResult result = DualEncoders.clipErase(ClipEraseSettings.defaults().withLearningRate(1e-3f)
                .withMaxSteps(200)).apply(parent, data);

        try (ModelHandle child = result.model()) {
            Evaluation after = DualEncoders.evaluate(child, data, EVALUATION);
            System.out.println("cliperase class: before " + before.values() + "\nafter " + after.values() + "\n"
                    + result.details());
            assertEquals(DualEncoderFamily.CLIPERASE, result.method());
            assertEquals("true", result.details().get("target.met"), result.details().toString());
            assertTrue(after.values().get(DualEncoders.FORGET_ZEROSHOT_ACCURACY) <= 0.05, after.values().toString());
            assertTrue(after.values().get("forget.i2t.recall5.advantage") < 0, "a forgotten class's pairs are"
                    + " matched worse than unseen pairs: " + after.values());
            assertTrue(after.values().get(DualEncoders.RETAIN_ZEROSHOT_ACCURACY)
                    >= before.values().get(DualEncoders.RETAIN_ZEROSHOT_ACCURACY) - 0.1, after.values().toString());
            for (String metric : DualEncoders.METRICS) {
                double v = after.values().get(metric);
                if (metric.equals("mia.members")) {
                    assertTrue(v >= 2, metric + " = " + v);
                    continue;
                }
                assertTrue(v >= (metric.endsWith(".advantage") ? -1 : 0) && v <= 1, metric + " = " + v);
            }
        }
    }

    @Test
    void shouldMatchForgetPairsNoBetterThanUnseenPairsAfterForgettingSamples() {
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < 600; i += 20) {
            ids.add(String.valueOf(i));
        }
        UnlearningData data = UnlearningData.of(TRAIN, TEST, ForgetRequest.ofSamples(ids));
        DualEncoderModel p = (DualEncoderModel) parent;
        double forgetBefore = PairInference.mean(PairInference.pairCosines(p, TRAIN, data.forgetPositions(), null));

        UnlearningResult result = DualEncoders.method("cliperase").apply(parent, data);

        try (ModelHandle child = result.model()) {
            DualEncoderModel c = (DualEncoderModel) child;
            double forgetAfter = PairInference.mean(PairInference.pairCosines(c, TRAIN, data.forgetPositions(), null));
            double testAfter = PairInference.mean(PairInference.pairCosines(c, TEST, data.testPositions(), null));
            double retainBefore = PairInference.zeroShotAccuracy(p, TEST, data.testPositions(), null);
            double retainAfter = PairInference.zeroShotAccuracy(c, TEST, data.testPositions(), null);
            System.out.printf("cliperase pairs: forget cosine %.4f -> %.4f, test cosine %.4f, zero-shot %.4f -> %.4f"
                    + "%n%s%n", forgetBefore, forgetAfter, testAfter, retainBefore, retainAfter, result.details());
            assertTrue(forgetAfter <= testAfter + 0.02, forgetAfter + " vs test " + testAfter);
            assertTrue(retainAfter >= retainBefore - 0.05, retainAfter + " vs " + retainBefore);
        }
    }
}
