package io.unlearn.unlearning.internal.dualencoder;

import io.unlearn.unlearning.errors.UnlearningException;
import io.unlearn.unlearning.internal.train.ChildModels;
import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/** What the dual-encoder methods share: the family check, failure cleanup and batch cycling. */
final class DualEncoderMethods {

    private DualEncoderMethods() {
    }

    static DualEncoderModel dualEncoder(ModelHandle handle, MethodSpec method) {
        if (handle instanceof DualEncoderModel d) {
            return d;
        }
        throw new UnlearningException("this " + method.id() + " unlearns dual_encoder models, but the parent is a "
                + handle.family().id() + " model; use Unlearning.method for the classifier families");
    }

    /** See {@link ChildModels#closeOnFailure}. */
    static UnlearningResult closeOnFailure(ModelHandle child, Supplier<UnlearningResult> body) {
        return ChildModels.closeOnFailure(child, body);
    }

    /** @return the positions of {@code all} not in {@code excluded} */
    static int[] minus(int[] all, int[] excluded) {
        int[] sorted = excluded.clone();
        Arrays.sort(sorted);
        return Arrays.stream(all).filter(p -> Arrays.binarySearch(sorted, p) < 0).toArray();
    }

    /** Endless seeded shuffles of a set of positions, cut into batches. */
    static final class Cycle {
        private final int[] positions;
        private final int batchSize;
        private final Random random;
        private final List<int[]> batches = new ArrayList<>();
        private int next;

        Cycle(int[] positions, int batchSize, Random random) {
            this.positions = positions;
            this.batchSize = batchSize;
            this.random = random;
        }

        int[] next() {
            if (next == batches.size()) {
                batches.clear();
                batches.addAll(Batches.shuffled(positions, batchSize, random));
                next = 0;
            }
            return batches.get(next++);
        }
    }
}
