package io.unlearn.unlearning.internal.metrics;

import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * A linear probe: a multinomial logistic regression (Tribuo) fitted on frozen features of labelled training
 * samples, scored on held-out samples. For DKVB it asks whether the untouched encoder still separates a
 * forgotten class.
 */
public final class LinearProbe {

    private LinearProbe() {
    }

    /**
     * Fits the probe and returns its accuracy on the test features.
     *
     * @param trainFeatures features of the fitting samples
     * @param trainLabels their labels
     * @param testFeatures features of the scored samples
     * @param testLabels their labels
     * @return the fraction of test samples the probe labels correctly
     */
    public static double accuracy(float[][] trainFeatures, int[] trainLabels, float[][] testFeatures,
            int[] testLabels) {
        int dim = trainFeatures[0].length;
        String[] names = new String[dim];
        for (int i = 0; i < dim; i++) {
            names[i] = "f" + i;
        }
        MutableDataset<Label> train = new MutableDataset<>(new SimpleDataSourceProvenance("linear-probe",
                new LabelFactory()), new LabelFactory());
        for (int i = 0; i < trainFeatures.length; i++) {
            train.add(new ArrayExample<>(new Label(String.valueOf(trainLabels[i])), names, toDouble(trainFeatures[i])));
        }
        Model<Label> model = LogisticRegression.trainer(1L).train(train);
        int correct = 0;
        for (int i = 0; i < testFeatures.length; i++) {
            String predicted = model.predict(new ArrayExample<>(new Label(String.valueOf(testLabels[i])), names,
                    toDouble(testFeatures[i]))).getOutput().getLabel();
            correct += predicted.equals(String.valueOf(testLabels[i])) ? 1 : 0;
        }
        return testFeatures.length == 0 ? Double.NaN : (double) correct / testFeatures.length;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
