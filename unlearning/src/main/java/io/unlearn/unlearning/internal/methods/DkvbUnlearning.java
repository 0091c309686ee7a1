package io.unlearn.unlearning.internal.methods;

import io.unlearn.unlearning.internal.model.DkvbModel;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.DkvbTraining;
import io.unlearn.unlearning.spi.DkvbSettings;
import io.unlearn.unlearning.spi.Method;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * DKVB unlearning by key masking (Shah et al. 2023, arXiv 2311.15268; shared/METHODS.md section 2). Forward passes
 * only, no gradients:
 *
 * <pre>
 *   via activations:  a_ck = Σ_{x ∈ D_f} [sel_c(x) = k];   mask the N_a keys with the largest a_ck (a_ck > 0)
 *                     (N_a = 0: mask every key with a_ck ≥ |D_f| / K, i.e. used by D_f more than a uniform share)
 *   via examples:     mask every key selected by the first N_e samples of D_f
 *   m ← m ∨ new mask      (masked keys leave the nearest-key search)
 * </pre>
 *
 * <p>The child is a copy of the parent with the larger mask; the keys masked are listed in the result's details.
 */
public final class DkvbUnlearning implements UnlearningMethod {

    private final DkvbSettings settings;

    /** @param settings mode, N_a, N_e ({@link DkvbSettings#defaults()}) */
    public DkvbUnlearning(DkvbSettings settings) {
        this.settings = settings;
    }

    @Override
    public Method method() {
        return Method.DKVB;
    }

    @Override
    public UnlearningResult apply(ModelHandle parent, UnlearningData data) {
        CostMeter cost = new CostMeter();
        DkvbModel child = Networks.dkvb(parent).copy();
        return Networks.closeOnFailure(child, () -> {
            int codebooks = child.dkvbBlock().architecture().codebooks();
            int keys = child.dkvbBlock().architecture().keysPerCodebook();
            int[] forget = data.forgetPositions();
            int[] selected = settings.mode() == DkvbSettings.Mode.EXAMPLES
                    ? Arrays.copyOf(forget, Math.min(forget.length, settings.exampleCount())) : forget;
            int[][] selections = DkvbTraining.select(child, data.train(), selected, cost);
            long[] activations = new long[codebooks * keys];
            for (int[] row : selections) {
                for (int c = 0; c < codebooks; c++) {
                    activations[c * keys + row[c]]++;
                }
            }
            List<Integer> toMask = settings.mode() == DkvbSettings.Mode.EXAMPLES
                    ? IntStream.range(0, activations.length).filter(i -> activations[i] > 0).boxed().toList()
                    : topActivated(activations, selected.length, keys);
            float[] mask = child.keyMask();
            int added = 0;
            for (int key : toMask) {
                added += mask[key] == 0f ? 1 : 0;
                mask[key] = 1f;
            }
            child.setKeyMask(mask);
            Map<String, String> details = new LinkedHashMap<>();
            details.put("mode", settings.mode().name().toLowerCase(java.util.Locale.ROOT));
            details.put("keys.masked.new", String.valueOf(added));
            details.put("keys.masked.total", String.valueOf((int) IntStream.range(0, mask.length)
                    .filter(i -> mask[i] != 0f).count()));
            details.put("keys.masked", toMask.stream().map(k -> (k / keys) + ":" + (k % keys))
                    .collect(Collectors.joining(",")));
            return new UnlearningResult(child, method(), cost.cost(), details);
        });
    }

    private List<Integer> topActivated(long[] activations, int forgetCount, int keysPerCodebook) {
        List<Integer> used = new ArrayList<>();
        for (int i = 0; i < activations.length; i++) {
            if (activations[i] > 0) {
                used.add(i);
            }
        }
        used.sort(Comparator.comparingLong((Integer i) -> activations[i]).reversed().thenComparing(i -> i));
        if (settings.activationKeys() > 0) {
            return used.subList(0, Math.min(used.size(), settings.activationKeys()));
        }
        double uniformShare = (double) forgetCount / keysPerCodebook;
        return used.stream().filter(i -> activations[i] >= uniformShare).toList();
    }
}
