package io.unlearn.registry.lineage;

import io.unlearn.kit.lineage.LineageHashes;
import io.unlearn.schemas.v1.LineageEvent;

import java.util.HashMap;
import java.util.Map;

/**
 * The head of every model's hash chain. {@link #append} links a new event to its model's chain (sequence and
 * previous hash); {@link #replay} rebuilds the heads from the lineage topic after a restart.
 */
public final class LineageChain {

    private record Head(long sequence, String hash) {
    }

    private final Map<String, Head> heads = new HashMap<>();

    /**
     * Returns {@code draft} with its {@code sequence} and {@code previousEventHash} set to follow the model's
     * current head, and makes it the new head. Whatever the draft held in those two fields is replaced.
     */
    public synchronized LineageEvent append(LineageEvent draft) {
        Head head = heads.get(draft.getModelId());
        LineageEvent linked = LineageEvent.newBuilder(draft)
                .setSequence(head == null ? 0 : head.sequence() + 1)
                .setPreviousEventHash(head == null ? null : head.hash())
                .build();
        heads.put(linked.getModelId(), new Head(linked.getSequence(), LineageHashes.hash(linked)));
        return linked;
    }

    /** Takes an event already in the log as the model's head (events must be replayed in log order). */
    public synchronized void replay(LineageEvent recorded) {
        heads.put(recorded.getModelId(), new Head(recorded.getSequence(), LineageHashes.hash(recorded)));
    }

    /** Number of events recorded for {@code modelId} so far. */
    public synchronized long length(String modelId) {
        Head head = heads.get(modelId);
        return head == null ? 0 : head.sequence() + 1;
    }
}
