package io.unlearn.unlearning.internal.metrics;

import io.unlearn.catalog.families.Classifiers;

import io.unlearn.unlearning.internal.model.Network;
import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.unlearning.internal.train.Inference;
import io.unlearn.unlearning.spi.Evaluation;
import io.unlearn.unlearning.spi.EvaluationSettings;
import io.unlearn.catalog.MetricSpec;
import io.unlearn.unlearning.spi.UnlearningData;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Computes the verifier's metrics of one model on one split: accuracy on D_f, D_r and D_t, the loss-based
 * membership-inference attack (members D_f; non-members: the forgotten classes' test samples for a class-level
 * request, D_t otherwise) and, when asked, a linear probe on the frozen embedding for the forgotten classes.
 */
public final class Evaluator {

    private Evaluator() {
    }

    /**
     * Evaluates a model.
     *
     * @param model the model
     * @param data the split
     * @param settings MIA sizes, folds, probe switch, seed
     * @return the named metrics
     */
    public static Evaluation evaluate(Network model, UnlearningData data, EvaluationSettings settings) {
        int[] forget = data.forgetPositions();
        int[] retain = settings.retainSamples() > 0
                ? Batches.sample(data.retainPositions(), settings.retainSamples(), new Random(settings.seed()))
                : data.retainPositions();
        int[] test = data.testPositions();
        Inference.Predictions onForget = Inference.run(model, data.train(), forget, false, null);
        double retainAccuracy = Inference.accuracy(model, data.train(), retain, null);
        Inference.Predictions onTest = Inference.run(model, data.test(), test, false, null);
        Map<String, Double> values = new LinkedHashMap<>();
        values.put(Classifiers.FORGET_ACCURACY.key(), onForget.accuracy(data.train(), forget));
        values.put(Classifiers.RETAIN_ACCURACY.key(), retainAccuracy);
        values.put(Classifiers.TEST_ACCURACY.key(), onTest.accuracy(data.test(), test));
        float[] nonMemberLosses = data.classLevel()
                ? Inference.run(model, data.test(), data.testForgetPositions(), false, null).loss()
                : onTest.loss();
        // A handful of forgotten samples is measured with one fold per member and a wide interval, a single one is
        // chance with an interval covering everything: the verdict accounts for both.
        MembershipInference.Result mia = MembershipInference.attackOrChance(onForget.loss(), nonMemberLosses,
                settings.miaMaxMembers(), settings.miaFolds(), settings.seed());
        values.put(Classifiers.MIA_ACCURACY.key(), mia.accuracy());
        values.put(Classifiers.MIA_ACCURACY_CI95.key(), mia.accuracyCi95());
        values.put(Classifiers.MIA_MEMBERS.key(), (double) mia.samplesPerSide());
        values.put(Classifiers.MIA_AUC.key(), mia.auc());
        if (settings.probe() && data.classLevel()) {
            values.put(Classifiers.PROBE_FORGET_ACCURACY.key(), probe(model, data, settings));
        }
        return new Evaluation(values);
    }

    private static double probe(Network model, UnlearningData data, EvaluationSettings settings) {
        int[] all = new int[data.train().size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        int[] fit = Batches.sample(all, settings.probeTrainSamples(), new Random(settings.seed()));
        int[] scored = data.testForgetPositions();
        float[][] fitFeatures = Inference.run(model, data.train(), fit, true, null).embeddings();
        float[][] scoredFeatures = Inference.run(model, data.test(), scored, true, null).embeddings();
        int[] fitLabels = new int[fit.length];
        for (int i = 0; i < fit.length; i++) {
            fitLabels[i] = data.train().label(fit[i]);
        }
        int[] scoredLabels = new int[scored.length];
        for (int i = 0; i < scored.length; i++) {
            scoredLabels[i] = data.test().label(scored[i]);
        }
        return LinearProbe.accuracy(fitFeatures, fitLabels, scoredFeatures, scoredLabels);
    }
}
