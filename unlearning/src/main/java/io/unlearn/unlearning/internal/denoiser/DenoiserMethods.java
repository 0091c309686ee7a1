package io.unlearn.unlearning.internal.denoiser;

import io.unlearn.catalog.MethodSpec;
import io.unlearn.unlearning.errors.UnlearningException;
import io.unlearn.unlearning.internal.train.ChildModels;
import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/** What the denoiser methods share: the family check, failure cleanup and batch cycling. */
final class DenoiserMethods {

    private DenoiserMethods() {
    }

    static DenoiserModel denoiser(ModelHandle handle, MethodSpec method) {
        if (handle instanceof DenoiserModel d) {
            return d;
        }
        throw new UnlearningException("this " + method.id() + " unlearns denoiser models, but the parent is a "
                + handle.family().id() + " model; use Unlearning.method with the model's family");
    }

    /** See {@link ChildModels#closeOnFailure}. */
    static UnlearningResult closeOnFailure(ModelHandle child, Supplier<UnlearningResult> body) {
        return ChildModels.closeOnFailure(child, body);
    }

    /** Endless seeded shuffles of a set of positions, cut into full batches (a set smaller than one repeats). */
    static final class Cycle {
        private final int[] positions;
        private final int batchSize;
        private final Random random;
        private final List<Integer> pending = new ArrayList<>();

        Cycle(int[] positions, int batchSize, Random random) {
            if (positions.length == 0) {
                throw new UnlearningException("cannot draw batches from an empty set");
            }
            this.positions = positions;
            this.batchSize = batchSize;
            this.random = random;
        }

        int[] next() {
            int[] batch = new int[batchSize];
            for (int i = 0; i < batchSize; i++) {
                if (pending.isEmpty()) {
                    for (int[] b : Batches.shuffled(positions, positions.length, random)) {
                        for (int p : b) {
                            pending.add(p);
                        }
                    }
                }
                batch[i] = pending.remove(pending.size() - 1);
            }
            return batch;
        }
    }
}
