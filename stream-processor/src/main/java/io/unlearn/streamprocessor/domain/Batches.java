package io.unlearn.streamprocessor.domain;

import io.unlearn.schemas.v1.BatchTrigger;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.SamplePair;
import io.unlearn.schemas.v1.UnlearningBatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Assembles a closed batch from its requests: deterministic id, unions of sample ids, class labels and pairs. */
public final class Batches {

    private Batches() {
    }

    /** {@code modelId-0000000042}: the same model and sequence always give the same id, so a restart cannot fork it. */
    public static String batchId(String modelId, long sequence) {
        String digits = Long.toString(sequence);
        return digits.length() >= 10 ? modelId + "-" + digits : modelId + "-" + "0000000000".substring(digits.length()) + digits;
    }

    /** The batch holding {@code requests} (in arrival order) with sorted, de-duplicated unions. */
    public static UnlearningBatch assemble(String modelId, long sequence, List<BatchedRequest> requests,
                                           BatchTrigger trigger, Instant createdAt) {
        Set<String> samples = new TreeSet<>();
        Set<Integer> classLabels = new TreeSet<>();
        Set<SamplePair> pairs = new LinkedHashSet<>();
        for (BatchedRequest request : requests) {
            samples.addAll(request.getSampleIds());
            if (request.getClassLabel() != null) {
                classLabels.add(request.getClassLabel());
            }
            pairs.addAll(request.getPairs());
        }
        return UnlearningBatch.newBuilder()
                .setBatchId(batchId(modelId, sequence))
                .setModelId(modelId)
                .setSequence(sequence)
                .setRequests(new ArrayList<>(requests))
                .setSampleIds(new ArrayList<>(samples))
                .setClassLabels(new ArrayList<>(classLabels))
                .setPairs(new ArrayList<>(pairs))
                .setTrigger(trigger)
                .setAttempt(0)
                .setCreatedAt(createdAt)
                .build();
    }
}
