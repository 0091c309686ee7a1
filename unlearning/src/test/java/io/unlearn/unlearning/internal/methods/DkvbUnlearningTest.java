package io.unlearn.unlearning.internal.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.unlearn.unlearning.internal.data.SyntheticImages;
import io.unlearn.unlearning.internal.model.ClassifierArchitecture;
import io.unlearn.unlearning.internal.model.ClassifierModel;
import io.unlearn.unlearning.internal.model.DkvbModel;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.DkvbTraining;
import io.unlearn.unlearning.spi.DkvbRecipe;
import io.unlearn.unlearning.spi.DkvbSettings;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DkvbUnlearningTest {

    private static final int C = 6;
    private static final int K = 8;
    private static ImageSet train;
    private static UnlearningData data;
    private static ClassifierModel classifier;
    private static DkvbModel parent;

    @BeforeAll
    static void buildAnUntrainedBackboneWithAFittedBottleneck() {
        train = SyntheticImages.generate(300, 4, 8, 0.3f, 1, 2, "train");
        ImageSet test = SyntheticImages.generate(40, 4, 8, 0.3f, 1, 3, "test");
        data = UnlearningData.of(train, test, ForgetRequest.ofClasses(2));
        classifier = ClassifierModel.create(new ClassifierArchitecture(4, 8, 8, 4, 8, 16, 8), 1);
        int[] all = IntStream.range(0, train.size()).toArray();
        parent = DkvbTraining.train(classifier, train, all, new DkvbRecipe(C, K, 2, 300, 5, 1, 0.05f, 3),
                new CostMeter());
    }

    @AfterAll
    static void close() {
        parent.close();
        classifier.close();
    }

    private static float[] expectedMask(int[] keys) {
        float[] mask = new float[C * K];
        for (int k : keys) {
            mask[k] = 1f;
        }
        return mask;
    }

    @Test
    void shouldMaskExactlyTheKeysTheFirstForgetExamplesSelect() {
        int[] firstFive = Arrays.copyOf(data.forgetPositions(), 5);
        int[] selected = Arrays.stream(DkvbTraining.select(parent, train, firstFive, null))
                .flatMapToInt(row -> IntStream.range(0, C).map(c -> c * K + row[c])).distinct().sorted().toArray();

        UnlearningResult result = new DkvbUnlearning(DkvbSettings.defaults().examples(5))
                .apply(parent, data);

        try (DkvbModel child = (DkvbModel) result.model()) {
            assertArrayEquals(expectedMask(selected), child.keyMask());
            assertArrayEquals(new float[C * K], parent.keyMask(), "the parent's mask must not change");
            float[] mask = child.keyMask();
            for (int[] row : DkvbTraining.select(child, train, firstFive, null)) {
                for (int c = 0; c < C; c++) {
                    int codebook = c;
                    boolean allMasked = IntStream.range(0, K).allMatch(k -> isMasked(mask, codebook, k));
                    assertTrue(allMasked || !isMasked(mask, c, row[c]), "codebook " + c + " still selects a masked key");
                }
            }
            assertEquals(0, result.cost().backwardSamplePasses());
            assertEquals(5, result.cost().forwardSamplePasses());
        }
    }

    private static boolean isMasked(float[] mask, int c, int k) {
        return mask[c * K + k] != 0f;
    }

    @Test
    void shouldMaskTheNaMostActivatedKeys() {
        int[] forget = data.forgetPositions();
        long[] counts = new long[C * K];
        for (int[] row : DkvbTraining.select(parent, train, forget, null)) {
            for (int c = 0; c < C; c++) {
                counts[c * K + row[c]]++;
            }
        }
        int[] top = IntStream.range(0, C * K).boxed()
                .sorted(Comparator.comparingLong((Integer i) -> counts[i]).reversed().thenComparing(i -> i))
                .limit(4).mapToInt(Integer::intValue).sorted().toArray();

        UnlearningResult result = new DkvbUnlearning(new DkvbSettings(DkvbSettings.Mode.ACTIVATIONS, 4, 1, 1024, 0))
                .apply(parent, data);

        try (DkvbModel child = (DkvbModel) result.model()) {
            assertArrayEquals(expectedMask(top), child.keyMask());
            assertEquals("4", result.details().get("keys.masked.new"));
        }
    }

    @Test
    void shouldCountAgainUnderTheFirstRoundsMaskInTheSecondRound() {
        int[] forget = data.forgetPositions();
        DkvbSettings oneRound = new DkvbSettings(DkvbSettings.Mode.ACTIVATIONS, 0, 1, 1024, 0);
        DkvbSettings twoRounds = new DkvbSettings(DkvbSettings.Mode.ACTIVATIONS, 0, 2, 1024, 0);

        try (DkvbModel first = (DkvbModel) new DkvbUnlearning(oneRound).apply(parent, data).model();
             DkvbModel second = (DkvbModel) new DkvbUnlearning(twoRounds).apply(parent, data).model()) {
            // round two: the keys D_f selects more than a uniform share of, once round one's keys are masked
            long[] counts = new long[C * K];
            for (int[] row : DkvbTraining.select(first, train, forget, null)) {
                for (int c = 0; c < C; c++) {
                    counts[c * K + row[c]]++;
                }
            }
            float[] expected = first.keyMask();
            for (int key = 0; key < C * K; key++) {
                if (counts[key] > 0 && counts[key] >= (double) forget.length / K) {
                    expected[key] = 1f;
                }
            }
            assertArrayEquals(expected, second.keyMask());
            assertTrue(IntStream.range(0, C * K).filter(k -> second.keyMask()[k] != 0f).count()
                    > IntStream.range(0, C * K).filter(k -> first.keyMask()[k] != 0f).count(),
                    "the second round must find keys D_f moved to");
        }
    }

    @Test
    void shouldCountAnEvenSpreadOfAtMostActivationSamplesOfTheForgetSet() {
        int[] positions = IntStream.range(100, 110).toArray();

        assertArrayEquals(new int[] {100, 102, 105, 107}, DkvbUnlearning.evenlySpread(positions, 4));
        assertArrayEquals(positions, DkvbUnlearning.evenlySpread(positions, 10));
    }
}
