package io.unlearn.unlearning.internal.dualencoder;

import io.unlearn.unlearning.errors.ModelFormatException;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.unlearning.spi.Unlearning;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * Model selection for the dual-encoder methods: among the checked states that meet the {@link ForgetTarget}, keep
 * the one with the best zero-shot accuracy on a validation split of the retain data; stop {@code patience} checks
 * after the target is first met. A kept state is the model's saved bytes (a few hundred kilobytes).
 */
final class BestCheckpoint {

    private final ForgetTarget target;
    private final ImageSet set;
    private final int[] validation;
    private final int patience;
    private final CostMeter cost;
    private byte[] best;
    private double bestRetain = Double.NEGATIVE_INFINITY;
    private int bestStep = -1;
    private String bestForget = "";
    private int checksSinceMet = -1;
    private String last = "not checked";

    BestCheckpoint(ForgetTarget target, ImageSet set, int[] validation, int patience, CostMeter cost) {
        this.target = target;
        this.set = set;
        this.validation = validation;
        this.patience = patience;
        this.cost = cost;
    }

    /** Checks the model after {@code step} steps; true when the method should stop. */
    boolean check(DualEncoderModel model, int step) {
        boolean met = target.reached(model);
        last = target.describe();
        if (met) {
            double retain = PairInference.zeroShotAccuracy(model, set, validation, cost);
            if (retain > bestRetain) {
                bestRetain = retain;
                bestStep = step;
                bestForget = last;
                best = bytes(model);
            }
        }
        if (met || checksSinceMet >= 0) {
            checksSinceMet++;
        }
        return checksSinceMet >= patience;
    }

    /**
     * The model to return: the best state that met the target, or the current one when none did.
     *
     * @param current the trained model; closed when another state is returned
     */
    DualEncoderModel result(DualEncoderModel current) {
        if (best == null) {
            return current;
        }
        DualEncoderModel kept = (DualEncoderModel) Unlearning.loadModel(new ByteArrayInputStream(best));
        current.close();
        return kept;
    }

    void describe(Map<String, String> details) {
        details.put("target.met", String.valueOf(best != null));
        details.put("last.check", last);
        if (best != null) {
            details.put("kept.step", String.valueOf(bestStep));
            details.put("kept.forget", bestForget);
            details.put("kept.validation.zeroshot.accuracy", String.format("%.4f", bestRetain));
        }
    }

    private static byte[] bytes(DualEncoderModel model) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            model.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new ModelFormatException("cannot keep a checkpoint in memory: " + e.getMessage(), e);
        }
    }
}
