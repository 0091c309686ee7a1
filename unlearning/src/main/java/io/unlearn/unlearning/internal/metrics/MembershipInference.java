package io.unlearn.unlearning.internal.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Loss-based membership inference (the simple attack of SCRUB and the 2023 unlearning challenge): a logistic
 * regression (Tribuo) predicts "member" from a sample's loss. Members are D_f, non-members an equal-size sample of
 * held-out data. Reported: mean accuracy over k stratified folds, and the AUC of the out-of-fold member scores.
 * 0.5 means the losses do not tell members apart; 1.0 means they separate perfectly.
 */
public final class MembershipInference {

    private static final String MEMBER = "member";
    private static final String NON_MEMBER = "non-member";
    private static final String[] FEATURE = {"loss"};
    /**
     * What a NaN or infinite loss (a diverged candidate) counts as: -ln of the smallest positive float, the largest
     * loss a float32 probability can express. Tribuo refuses non-finite features, and such a sample is as wrong as
     * a prediction can be.
     */
    static final double NON_FINITE_LOSS = -Math.log(Float.MIN_VALUE);
    /** Below two members and two non-members no fold holds both a training and a held-out sample. */
    public static final int MIN_PER_SIDE = 2;

    private MembershipInference() {
    }

    /**
     * The attack's outcome.
     *
     * @param accuracy mean held-out accuracy over the folds
     * @param auc AUC of the out-of-fold member probabilities
     * @param samplesPerSide members used (= non-members used)
     * @param accuracyCi95 half-width of the 95 % Wilson interval of {@code accuracy} over its
     *     {@code 2 * samplesPerSide} out-of-fold guesses
     */
    public record Result(double accuracy, double auc, int samplesPerSide, double accuracyCi95) {
    }

    /**
     * Runs the attack.
     *
     * @param memberLosses per-sample losses of members
     * @param nonMemberLosses per-sample losses of non-members
     * @param maxPerSide at most this many of each side are used (randomly chosen)
     * @param maxFolds number of stratified folds; fewer (one per member) when fewer members are available
     * @param seed sampling and fold seed
     * @return accuracy, its uncertainty and AUC
     */
    public static Result attack(float[] memberLosses, float[] nonMemberLosses, int maxPerSide, int maxFolds,
            long seed) {
        Random random = new Random(seed);
        int n = Math.min(maxPerSide, Math.min(memberLosses.length, nonMemberLosses.length));
        if (n < MIN_PER_SIDE) {
            throw new IllegalArgumentException("membership inference needs at least " + MIN_PER_SIDE + " members"
                    + " and non-members; got " + memberLosses.length + " and " + nonMemberLosses.length);
        }
        // A small forget set is still measured, with one fold per member, and its wide interval says how little
        // that measurement shows.
        int folds = Math.min(maxFolds, n);
        double[] members = pick(memberLosses, n, random);
        double[] nonMembers = pick(nonMemberLosses, n, random);
        int[] memberFold = folds(n, folds, random);
        int[] nonMemberFold = folds(n, folds, random);
        double[] memberScore = new double[n];
        double[] nonMemberScore = new double[n];
        double accuracySum = 0;
        for (int fold = 0; fold < folds; fold++) {
            List<Double> trainValues = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (memberFold[i] != fold) {
                    trainValues.add(members[i]);
                }
                if (nonMemberFold[i] != fold) {
                    trainValues.add(nonMembers[i]);
                }
            }
            double mean = trainValues.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            double std = Math.sqrt(trainValues.stream().mapToDouble(v -> (v - mean) * (v - mean)).average().orElse(1));
            double scale = std > 1e-12 ? std : 1;
            MutableDataset<Label> train = new MutableDataset<>(new SimpleDataSourceProvenance("membership-inference",
                    new LabelFactory()), new LabelFactory());
            for (int i = 0; i < n; i++) {
                if (memberFold[i] != fold) {
                    train.add(example(MEMBER, (members[i] - mean) / scale));
                }
                if (nonMemberFold[i] != fold) {
                    train.add(example(NON_MEMBER, (nonMembers[i] - mean) / scale));
                }
            }
            Model<Label> model = LogisticRegression.trainer(seed + fold).train(train);
            int correct = 0;
            int total = 0;
            for (int i = 0; i < n; i++) {
                if (memberFold[i] == fold) {
                    Prediction<Label> p = model.predict(example(MEMBER, (members[i] - mean) / scale));
                    memberScore[i] = memberProbability(p);
                    correct += MEMBER.equals(p.getOutput().getLabel()) ? 1 : 0;
                    total++;
                }
                if (nonMemberFold[i] == fold) {
                    Prediction<Label> p = model.predict(example(NON_MEMBER, (nonMembers[i] - mean) / scale));
                    nonMemberScore[i] = memberProbability(p);
                    correct += NON_MEMBER.equals(p.getOutput().getLabel()) ? 1 : 0;
                    total++;
                }
            }
            accuracySum += (double) correct / total;
        }
        double accuracy = accuracySum / folds;
        return new Result(accuracy, auc(memberScore, nonMemberScore), n, wilsonHalfWidth(accuracy, 2 * n));
    }

    /**
     * The attack where it can be trained, else (a single member or non-member) chance: accuracy and AUC 0.5 with an
     * interval half-width of 0.5, which covers every value. One forgotten sample gives an attack nothing to learn
     * from, so it is reported as no evidence either way rather than left out: a policy's threshold on it then
     * neither passes nor fails on a guess (the verdict fails a check only when the whole interval violates it).
     *
     * @return the measurement, or chance with a total-uncertainty interval
     */
    public static Result attackOrChance(float[] memberLosses, float[] nonMemberLosses, int maxPerSide, int maxFolds,
            long seed) {
        int n = Math.min(maxPerSide, Math.min(memberLosses.length, nonMemberLosses.length));
        if (n < MIN_PER_SIDE) {
            return new Result(0.5, 0.5, n, 0.5);
        }
        return attack(memberLosses, nonMemberLosses, maxPerSide, maxFolds, seed);
    }

    /**
     * Half-width of the 95 % Wilson score interval of a proportion (unlike the normal approximation, not zero at
     * 0 or 1 and sensible for a handful of trials).
     *
     * @param p the observed proportion
     * @param trials how many trials it is over
     * @return the half-width
     */
    static double wilsonHalfWidth(double p, int trials) {
        double z = 1.959964;
        double z2n = z * z / trials;
        return z * Math.sqrt(p * (1 - p) / trials + z2n / (4 * trials)) / (1 + z2n);
    }

    /**
     * Area under the ROC curve: the probability that a random member scores above a random non-member (ties
     * count one half).
     *
     * @param positive scores of members
     * @param negative scores of non-members
     * @return the AUC
     */
    public static double auc(double[] positive, double[] negative) {
        double[] neg = negative.clone();
        Arrays.sort(neg);
        double sum = 0;
        for (double p : positive) {
            int below = lowerBound(neg, p);
            int notAbove = upperBound(neg, p);
            sum += below + 0.5 * (notAbove - below);
        }
        return sum / ((double) positive.length * negative.length);
    }

    private static int lowerBound(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int upperBound(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static double memberProbability(Prediction<Label> p) {
        Label l = p.getOutputScores().get(MEMBER);
        return l == null ? 0 : l.getScore();
    }

    private static Example<Label> example(String label, double value) {
        return new ArrayExample<>(new Label(label), FEATURE, new double[] {value});
    }

    private static double[] pick(float[] values, int n, Random random) {
        int[] idx = new int[values.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        for (int i = 0; i < n; i++) {
            int j = i + random.nextInt(idx.length - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            float v = values[idx[i]];
            out[i] = Float.isFinite(v) ? v : NON_FINITE_LOSS;
        }
        return out;
    }

    /** Assigns n samples of one class to folds round-robin after a seeded shuffle (so folds are stratified). */
    private static int[] folds(int n, int folds, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] fold = new int[n];
        for (int i = 0; i < n; i++) {
            fold[order[i]] = i % folds;
        }
        return fold;
    }
}
