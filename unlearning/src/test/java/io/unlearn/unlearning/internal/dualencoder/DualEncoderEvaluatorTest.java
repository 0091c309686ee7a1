package io.unlearn.unlearning.internal.dualencoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DualEncoderEvaluatorTest {

    // captions "a" -> (1,0), "b" -> (0,1), "c" -> (-1,0)
    private static final Map<String, float[]> TEXTS = Map.of("a", new float[] {1, 0}, "b", new float[] {0, 1}, "c",
            new float[] {-1, 0});

    @Test
    void shouldCountAnIdenticalCaptionAsAHitAndRankDistinctTexts() {
        // pairs: (1,0) "a", (0.6,0.8) "a", (0,1) "b"; gallery = the three pairs plus a distractor (-1,0) "c"
        // i2t: q0 ranks a(1) > b(0) > c(-1): hit@1; q1 ranks b(.8) > a(.6): miss@1, hit@5; q2 ranks b(1) first: hit@1
        // t2i: "a" scores images 1, .6, 0, -1: best is q0's own image -> hit@1 for q0, and for q1 through the image
        //      with the identical caption; "b" scores 0, .8, 1, 0: q2's own image first -> hit@1
        float[][] queries = {{1, 0}, {0.6f, 0.8f}, {0, 1}};
        float[][] gallery = {{1, 0}, {0.6f, 0.8f}, {0, 1}, {-1, 0}};

        double[] r = DualEncoderEvaluator.recall(queries, List.of("a", "a", "b"), gallery, List.of("a", "a", "b", "c"),
                TEXTS);

        assertArrayEquals(new double[] {2.0 / 3, 1, 1, 1}, r, 1e-9);
    }

    @Test
    void shouldCountATieWithADistractorAgainstTheQuery() {
        // q0 = (1,0) "a" against gallery image (1,0) captioned "c" as well: t2i for "a" ties at 1 -> miss@1
        float[][] queries = {{1, 0}};
        float[][] gallery = {{1, 0}, {1, 0}};

        double[] r = DualEncoderEvaluator.recall(queries, List.of("a"), gallery, List.of("a", "c"), TEXTS);

        assertArrayEquals(new double[] {1, 1, 0, 1}, r, 1e-9);
    }

    @Test
    void shouldRetrieveNothingFromADivergedModel() {
        float[][] nan = {{Float.NaN, Float.NaN}};
        Map<String, float[]> texts = Map.of("a", new float[] {Float.NaN, Float.NaN}, "b", new float[] {Float.NaN, 0});

        double[] r = DualEncoderEvaluator.recall(nan, List.of("a"), new float[][] {{Float.NaN, 0}, {0, 0}},
                List.of("a", "b"), texts);

        assertArrayEquals(new double[] {0, 1, 0, 1}, r, 1e-9); // @5 holds with two candidates: nothing ranks 6th
    }
}
