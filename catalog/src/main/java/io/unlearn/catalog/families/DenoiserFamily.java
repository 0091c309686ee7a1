package io.unlearn.catalog.families;

import io.unlearn.catalog.Comparator;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.catalog.MetricSpec;
import io.unlearn.catalog.Scope;
import io.unlearn.catalog.SettingSpec;
import io.unlearn.catalog.Threshold;
import io.unlearn.catalog.UnlearningPolicy;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code denoiser}: a DDPM noise predictor (a small U-Net with a time embedding, T = 1000, linear beta schedule,
 * 50-step sampling) trained on grey-scale images; unlearned by SISS (shared/METHODS.md section 4) and judged by how
 * often it still generates a deleted image and how much better it denoises deleted images than unseen ones.
 */
public final class DenoiserFamily {

    /** Share of generated samples that reproduce a deleted image. */
    public static final MetricSpec MEMORIZATION_SHARE = MetricSpec.of("memorization.share",
            "share of generated samples (50-step sampling) whose L2 distance (pixels in [0, 1]) to some D_f image is"
                    + " below 10 for 28x28 images (scaled by the image side / 28 otherwise), 0..1");
    /** Mean denoising loss on D_f. */
    public static final MetricSpec FORGET_DENOISING_LOSS = MetricSpec.of("forget.denoising.loss",
            "mean per-pixel squared error of the predicted noise on D_f's images at fixed timesteps and fixed noise");
    /** Mean denoising loss on a sample of D_r. */
    public static final MetricSpec RETAIN_DENOISING_LOSS = MetricSpec.of("retain.denoising.loss",
            "mean per-pixel squared error of the predicted noise on a fixed sample of D_r, same timesteps and noise");
    /** Mean denoising loss on held-out images. */
    public static final MetricSpec TEST_DENOISING_LOSS = MetricSpec.of("test.denoising.loss",
            "mean per-pixel squared error of the predicted noise on a fixed sample of D_t, same timesteps and noise");
    /** How much better the model denoises what it should forget than images it never saw. */
    public static final MetricSpec DENOISING_LOSS_ADVANTAGE = MetricSpec.of("denoising.loss.advantage",
            "test.denoising.loss minus forget.denoising.loss: positive while D_f is remembered (it is denoised"
                    + " better than unseen images), about 0 or negative once forgotten");

    /** SISS (Alberti et al. 2025), the authors' practical form. */
    public static final MethodSpec SISS = MethodSpec.approximate("siss",
            "SISS (Alberti et al. 2025, shared/METHODS.md section 4): each retained image paired with a deleted one"
                    + " under the same noise and t, the noisy input drawn from their mixture, both eps-losses"
                    + " importance-weighted; g = g_x - c * g_a / |g_a|, clipped to norm 1; AdamW",
            SettingSpec.decimal("lambda", 0.5, 0, 1, "mixture weight of the deleted image's noisy distribution;"
                    + " 0 noises only the retained image"),
            SettingSpec.decimal("deletionNorm", 0.1, 0, 1000, "c, the fixed norm the deletion gradient is rescaled"
                    + " to before it is subtracted"),
            SettingSpec.decimal("learningRate", 1e-4, 1e-9, 0.5, "AdamW learning rate (constant)"),
            SettingSpec.integer("batchSize", 64, 1, 65_536, "pairs per step"),
            SettingSpec.integer("steps", 300, 1, 1_000_000, "optimizer steps; multiplied by 1 + attempt on a retry")
                    .strengthenedOnRetry(),
            SettingSpec.seed("seed", 42, "pairing, noise and timestep seed"));

    /** Naive deletion: continued training on D_r. */
    public static final MethodSpec FINE_TUNE = MethodSpec.approximate("fine_tune",
            "naive deletion: continue training on D_r with the eps-loss (AdamW), relying on forgetting",
            SettingSpec.decimal("learningRate", 1e-4, 1e-9, 0.5, "AdamW learning rate (constant)"),
            SettingSpec.integer("batchSize", 64, 1, 65_536, "images per step"),
            SettingSpec.integer("steps", 300, 1, 1_000_000, "optimizer steps; multiplied by 1 + attempt on a retry")
                    .strengthenedOnRetry(),
            SettingSpec.seed("seed", 42, "sampling, noise and timestep seed"));

    /** NegGrad+: descent on D_r, ascent on D_f. */
    public static final MethodSpec NEG_GRAD_PLUS = MethodSpec.approximate("neg_grad_plus",
            "NegGrad+: minimize eps-loss(D_r batch) - forgetWeight * eps-loss(D_f batch) (AdamW), gradient norm"
                    + " clipped to 1; forgetWeight 0 is fine_tune, a retain batch of 0 weight is NegGrad",
            SettingSpec.decimal("forgetWeight", 0.5, 0, 1000, "weight of the ascent term on D_f"),
            SettingSpec.decimal("retainWeight", 1, 0, 1000, "weight of the descent term on D_r; 0 = plain NegGrad"),
            SettingSpec.decimal("learningRate", 1e-4, 1e-9, 0.5, "AdamW learning rate (constant)"),
            SettingSpec.integer("batchSize", 64, 1, 65_536, "images per step, from each of D_r and D_f"),
            SettingSpec.integer("steps", 300, 1, 1_000_000, "optimizer steps; multiplied by 1 + attempt on a retry")
                    .strengthenedOnRetry(),
            SettingSpec.seed("seed", 42, "sampling, noise and timestep seed"));

    /** Exact retraining on D_r with the parent's recipe and seed. */
    public static final MethodSpec RETRAIN = MethodSpec.exactRetraining("retrain",
            "exact unlearning: train from scratch on D_r with the parent's saved recipe and seed",
            SettingSpec.integer("epochs", 0, 0, 100_000, "passes over D_r; 0 = the parent's recipe"),
            SettingSpec.integer("batchSize", 0, 0, 65_536, "images per step; 0 = the parent's recipe"),
            SettingSpec.decimal("learningRate", 0, 0, 10, "AdamW learning rate; 0 = the parent's recipe"));

    /** The family. */
    public static final FamilySpec DENOISER = new FamilySpec("denoiser",
            "DDPM noise predictor (small U-Net with time embedding) on grey-scale images, T = 1000, 50-step sampling",
            Set.of(Scope.SAMPLES, Scope.SUBJECT), List.of(SISS, FINE_TUNE, NEG_GRAD_PLUS, RETRAIN),
            List.of(MEMORIZATION_SHARE, FORGET_DENOISING_LOSS, RETAIN_DENOISING_LOSS, TEST_DENOISING_LOSS,
                    DENOISING_LOSS_ADVANTAGE),
            List.of(MEMORIZATION_SHARE, FORGET_DENOISING_LOSS, RETAIN_DENOISING_LOSS),
            new UnlearningPolicy("siss", Map.of(), List.of(
                    new Threshold(MEMORIZATION_SHARE.key(), Comparator.AT_MOST, 0.01),
                    new Threshold(DENOISING_LOSS_ADVANTAGE.key(), Comparator.AT_MOST, 0)), 2));

    private DenoiserFamily() {
    }
}
