package io.unlearn.unlearning.internal.dualencoder;

import io.unlearn.catalog.families.DualEncoderFamily;

import io.unlearn.unlearning.internal.metrics.MembershipInference;
import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.unlearning.spi.DualEncoderEvaluationSettings;
import io.unlearn.unlearning.spi.DualEncoders;
import io.unlearn.unlearning.spi.Evaluation;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.unlearning.spi.UnlearningData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Computes the dual-encoder metrics of one model on one split (names in {@link DualEncoders}):
 *
 * <ul>
 *   <li>zero-shot accuracy with the held-out prompts over all classes: {@code forget.} on the forgotten classes'
 *       test images (class request) or D_f's images (sample request), {@code retain.} on the retained classes' test
 *       images;</li>
 *   <li>recall@1 and @5, image→text and text→image, of three pair sets: {@code forget.} D_f, {@code retain.} D_r,
 *       {@code test.} D_t's pairs (captioned like training pairs), each queried with a fixed random subset of at most
 *       gallerySize/2 pairs in a gallery of those pairs plus distractor test pairs up to gallerySize. See
 *       {@link #recall} for what counts as a hit;</li>
 *   <li>{@code forget.i2t.recall5.advantage}: forget minus test image→text recall@5;</li>
 *   <li>membership inference on the pair similarity: per-pair "loss" −u·v, members D_f, non-members as many test
 *       pairs (the forgotten classes' for a class request, D_t's otherwise).</li>
 * </ul>
 */
public final class DualEncoderEvaluator {

    private DualEncoderEvaluator() {
    }

    /**
     * Evaluates a model.
     *
     * @param model the model
     * @param data the split
     * @param settings gallery size, attack sizes, seed
     * @return the named metrics, fractions in [0, 1]
     */
    public static Evaluation evaluate(DualEncoderModel model, UnlearningData data,
            DualEncoderEvaluationSettings settings) {
        Map<String, Double> values = new LinkedHashMap<>();
        int[] forgetImages = data.classLevel() ? data.testForgetPositions() : data.forgetPositions();
        ImageSet forgetSet = data.classLevel() ? data.test() : data.train();
        values.put(DualEncoders.FORGET_ZEROSHOT_ACCURACY,
                PairInference.zeroShotAccuracy(model, forgetSet, forgetImages, null));
        values.put(DualEncoders.RETAIN_ZEROSHOT_ACCURACY,
                PairInference.zeroShotAccuracy(model, data.test(), data.testPositions(), null));
        int g = settings.gallerySize();
        Random random = new Random(settings.seed());
        // Half the gallery are queries, the rest distractors: a gallery of one class alone (D_f of a class request)
        // would rank only that class's captions and measure nothing about the class.
        int[] forget = Batches.sample(data.forgetPositions(), g / 2, random);
        int[] retain = Batches.sample(data.retainPositions(), g / 2, random);
        int[] test = Batches.sample(data.testPositions(), g / 2, random);
        int[] distractors = Batches.sample(data.testPositions(), g, random);
        putRecall(values, "forget.", model, data.train(), forget, data.test(), distractors, g);
        putRecall(values, "retain.", model, data.train(), retain, data.test(), distractors, g);
        putRecall(values, "test.", model, data.test(), test, data.test(), distractors, g);
        if (values.containsKey("forget.i2t.recall5") && values.containsKey("test.i2t.recall5")) {
            values.put(DualEncoderFamily.FORGET_I2T_RECALL5_ADVANTAGE.key(),
                    values.get("forget.i2t.recall5") - values.get("test.i2t.recall5"));
        }
        float[] members = PairInference.pairCosines(model, data.train(), data.forgetPositions(), null);
        int[] nonMemberPositions = data.classLevel() ? data.testForgetPositions() : data.testPositions();
        float[] nonMembers = PairInference.pairCosines(model, data.test(), nonMemberPositions, null);
        // As for the classifier: a handful of pairs has a wide interval, a single pair is chance with a total one.
        MembershipInference.Result mia = MembershipInference.attackOrChance(negated(members), negated(nonMembers),
                settings.miaMaxMembers(), settings.miaFolds(), settings.seed());
        values.put(DualEncoders.MIA_ACCURACY, mia.accuracy());
        values.put(DualEncoderFamily.MIA_ACCURACY_CI95.key(), mia.accuracyCi95());
        values.put(DualEncoderFamily.MIA_MEMBERS.key(), (double) mia.samplesPerSide());
        values.put(DualEncoders.MIA_AUC, mia.auc());
        return new Evaluation(values);
    }

    private static void putRecall(Map<String, Double> values, String prefix, DualEncoderModel model, ImageSet set,
            int[] queries, ImageSet distractorSet, int[] distractors, int gallerySize) {
        if (queries.length == 0) {
            return;
        }
        float[][] queryImages = PairInference.images(model, set, queries, null);
        List<String> queryCaptions = PairInference.captions(model.captions(), set, queries);
        List<float[]> galleryImages = new ArrayList<>(List.of(queryImages));
        List<String> galleryCaptions = new ArrayList<>(queryCaptions);
        int missing = gallerySize - queries.length;
        if (missing > 0) {
            int[] fill = new int[Math.min(missing, distractors.length)];
            int k = 0;
            for (int i = 0; i < distractors.length && k < fill.length; i++) {
                boolean isQuery = set == distractorSet && contains(queries, distractors[i]);
                if (!isQuery) {
                    fill[k++] = distractors[i];
                }
            }
            fill = java.util.Arrays.copyOf(fill, k);
            galleryImages.addAll(List.of(PairInference.images(model, distractorSet, fill, null)));
            galleryCaptions.addAll(PairInference.captions(model.captions(), distractorSet, fill));
        }
        List<String> allTexts = new ArrayList<>(galleryCaptions);
        Map<String, float[]> texts = PairInference.texts(model, allTexts);
        double[] r = recall(queryImages, queryCaptions, galleryImages.toArray(new float[0][]), galleryCaptions, texts);
        values.put(prefix + "i2t.recall1", r[0]);
        values.put(prefix + "i2t.recall5", r[1]);
        values.put(prefix + "t2i.recall1", r[2]);
        values.put(prefix + "t2i.recall5", r[3]);
    }

    /**
     * Recall@1 and @5 of pair retrieval. Query q is pair q of the set; the gallery is the set's queried pairs plus
     * distractor pairs. Templated captions repeat, and identical texts have identical embeddings, so a hit is defined
     * on caption text:
     *
     * <ul>
     *   <li>image→text: the gallery's distinct caption texts are ranked by similarity to u_q; a hit at k when q's own
     *       caption text is among the k best (ranking distinct texts keeps k copies of one text from filling the
     *       top k);</li>
     *   <li>text→image: the gallery's images are ranked by similarity to q's caption; a hit at k when one of the k
     *       best is q's own image or an image whose caption is the identical text.</li>
     * </ul>
     *
     * <p>Ties count against the query (a distractor scoring equal to the correct entry ranks before it), and so does a
     * NaN score (a diverged model retrieves nothing).
     *
     * @param queryImages u of the queries
     * @param queryCaptions the queries' captions
     * @param galleryImages u of the gallery (queries first)
     * @param galleryCaptions the gallery's captions
     * @param texts v of every caption text
     * @return {i2t@1, i2t@5, t2i@1, t2i@5}
     */
    static double[] recall(float[][] queryImages, List<String> queryCaptions, float[][] galleryImages,
            List<String> galleryCaptions, Map<String, float[]> texts) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(galleryCaptions));
        int n = queryImages.length;
        double[] hits = new double[4];
        for (int q = 0; q < n; q++) {
            String own = queryCaptions.get(q);
            double ownScore = PairInference.dot(queryImages[q], texts.get(own));
            int better = 0;
            for (String t : distinct) {
                if (!t.equals(own) && !(PairInference.dot(queryImages[q], texts.get(t)) < ownScore)) {
                    better++;
                }
            }
            hits[0] += better < 1 ? 1 : 0;
            hits[1] += better < 5 ? 1 : 0;
        }
        Map<String, int[]> textRanks = new HashMap<>();
        for (String own : new LinkedHashSet<>(queryCaptions)) {
            float[] v = texts.get(own);
            double[] scores = new double[galleryImages.length];
            double bestCorrect = Double.NEGATIVE_INFINITY;
            for (int g = 0; g < galleryImages.length; g++) {
                scores[g] = PairInference.dot(galleryImages[g], v);
                if (galleryCaptions.get(g).equals(own)) {
                    bestCorrect = Math.max(bestCorrect, scores[g]); // NaN stays NaN: a miss below
                }
            }
            int better = 0;
            for (int g = 0; g < galleryImages.length; g++) {
                if (!galleryCaptions.get(g).equals(own) && !(scores[g] < bestCorrect)) {
                    better++;
                }
            }
            textRanks.put(own, new int[] {better});
        }
        for (String own : queryCaptions) {
            int better = textRanks.get(own)[0];
            hits[2] += better < 1 ? 1 : 0;
            hits[3] += better < 5 ? 1 : 0;
        }
        for (int i = 0; i < 4; i++) {
            hits[i] /= n;
        }
        return hits;
    }

    private static boolean contains(int[] sorted, int value) {
        return java.util.Arrays.binarySearch(sorted, value) >= 0;
    }

    private static float[] negated(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = -x[i];
        }
        return out;
    }
}
