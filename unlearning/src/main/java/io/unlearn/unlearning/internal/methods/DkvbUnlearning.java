package io.unlearn.unlearning.internal.methods;

import io.unlearn.catalog.families.Classifiers;

import io.unlearn.unlearning.internal.model.DkvbModel;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.DkvbTraining;
import io.unlearn.unlearning.spi.DkvbSettings;
import io.unlearn.catalog.MethodSpec;
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
 *   via activations:  a_ck = Σ_{x ∈ S} [sel_c(x) = k];   mask the N_a keys with the largest a_ck (a_ck > 0)
 *                     (N_a = 0: mask every key with a_ck ≥ |S| / K, i.e. used by S more than a uniform share, then
 *                     count again under the new mask, {@code activationRounds} times)
 *                     S: at most {@code activationSamples} samples of D_f, evenly spread
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
    public MethodSpec method() {
        return Classifiers.DKVB;
    }

    @Override
    public UnlearningResult apply(ModelHandle parent, UnlearningData data) {
        CostMeter cost = new CostMeter();
        DkvbModel child = Networks.dkvb(parent).copy();
        return Networks.closeOnFailure(child, () -> {
            int codebooks = child.dkvbBlock().architecture().codebooks();
            int keys = child.dkvbBlock().architecture().keysPerCodebook();
            int[] forget = data.forgetPositions();
            float[] mask = child.keyMask();
            int added = 0;
            int rounds = 0;
            if (settings.mode() == DkvbSettings.Mode.EXAMPLES) {
                int[] examples = Arrays.copyOf(forget, Math.min(forget.length, settings.exampleCount()));
                long[] activations = activations(DkvbTraining.select(child, data.train(), examples, cost), codebooks, keys);
                added = mask(child, mask, IntStream.range(0, activations.length).filter(i -> activations[i] > 0));
                rounds = 1;
            } else {
                int[] counted = evenlySpread(forget, settings.activationSamples());
                // the rounds count on the same embeddings: the encoder, the method's only real cost, runs once
                List<float[]> embeddings = DkvbTraining.embed(child, data.train(), counted, cost);
                int maxRounds = settings.activationKeys() > 0 ? 1 : settings.activationRounds();
                while (rounds < maxRounds) {
                    long[] activations = activations(DkvbTraining.select(child, embeddings), codebooks, keys);
                    int newly = mask(child, mask, topActivated(activations, counted.length, keys).stream()
                            .mapToInt(Integer::intValue));
                    rounds++;
                    added += newly;
                    if (newly == 0) {
                        break;
                    }
                }
            }
            Map<String, String> details = new LinkedHashMap<>();
            details.put("mode", settings.mode().name().toLowerCase(java.util.Locale.ROOT));
            details.put("rounds", String.valueOf(rounds));
            details.put("keys.masked.new", String.valueOf(added));
            details.put("keys.masked.total", String.valueOf((int) IntStream.range(0, mask.length)
                    .filter(i -> mask[i] != 0f).count()));
            details.put("keys.masked", IntStream.range(0, mask.length).filter(k -> mask[k] != 0f)
                    .mapToObj(k -> (k / keys) + ":" + (k % keys)).collect(Collectors.joining(",")));
            return new UnlearningResult(child, method(), cost.cost(), details);
        });
    }

    /** @return at most {@code count} of {@code positions}, at even strides, in order */
    static int[] evenlySpread(int[] positions, int count) {
        if (positions.length <= count) {
            return positions;
        }
        return IntStream.range(0, count).map(i -> positions[(int) ((long) i * positions.length / count)]).toArray();
    }

    /** @return a_ck: how many of the selections chose key k of codebook c, indexed c * K + k */
    private static long[] activations(int[][] selections, int codebooks, int keysPerCodebook) {
        long[] activations = new long[codebooks * keysPerCodebook];
        for (int[] row : selections) {
            for (int c = 0; c < row.length; c++) {
                activations[c * keysPerCodebook + row[c]]++;
            }
        }
        return activations;
    }

    /** Adds {@code keys} to the child's mask; returns how many were not masked before. */
    private static int mask(DkvbModel child, float[] mask, IntStream keys) {
        int added = 0;
        for (int key : keys.toArray()) {
            added += mask[key] == 0f ? 1 : 0;
            mask[key] = 1f;
        }
        child.setKeyMask(mask);
        return added;
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
