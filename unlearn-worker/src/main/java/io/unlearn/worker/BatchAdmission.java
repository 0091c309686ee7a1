package io.unlearn.worker;

import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.Scope;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.SamplePair;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.unlearning.spi.UnlearningData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Splits a batch into the requests this model can serve and those it cannot, so that a bad request fails alone:
 * a scope the model's family does not serve, a pair that is not a training pair, a request that names nothing for
 * this model, a sample id, subject or class its data set lacks. The served requests go on as a batch of their own (same id and attempt, the unions of
 * their sample ids and classes); each refused one gets a FAILED status with its reason.
 *
 * @param served the batch of the requests that can be unlearned; empty when none can
 * @param refused one FAILED status per refused request
 */
public record BatchAdmission(Optional<UnlearningBatch> served, List<RequestStatus> refused) {

    /** Copies the list. */
    public BatchAdmission {
        refused = List.copyOf(refused);
    }

    /**
     * @param batch the batch as the stream-processor (or the verifier's retry) closed it
     * @param family the model's family
     * @param train the model's training set D
     * @param at the statuses' time
     * @return the split
     */
    public static BatchAdmission of(UnlearningBatch batch, FamilySpec family, ImageSet train, Instant at) {
        Map<String, BatchedRequest> byId = new LinkedHashMap<>();
        batch.getRequests().forEach(r -> byId.putIfAbsent(r.getRequestId(), r));
        Map<String, String> problems = new LinkedHashMap<>();
        Map<String, ForgetRequest> named = new LinkedHashMap<>();
        for (BatchedRequest r : byId.values()) {
            Scope scope = Scope.valueOf(r.getScope().name());
            ForgetRequest request = forgetRequest(r);
            if (!family.serves(scope)) {
                problems.put(r.getRequestId(), "a " + family.id() + " model cannot unlearn " + scope + " requests; it"
                        + " serves " + new TreeSet<>(family.scopes()));
            } else if (foreignPair(r).isPresent()) {
                SamplePair p = foreignPair(r).orElseThrow();
                problems.put(r.getRequestId(), "pair (image " + p.getImageId() + ", caption " + p.getCaptionId()
                        + ") is not a training pair of model '" + batch.getModelId() + "': each image was trained"
                        + " with its own caption only, so a pair is named (i, i)");
            } else if (request.isEmpty()) {
                problems.put(r.getRequestId(), "the request names no sample of model '" + batch.getModelId() + "'"
                        + (scope == Scope.SUBJECT ? " (the model's training manifest lists no sample of subject '"
                        + r.getSubjectId() + "')" : ""));
            } else {
                named.put(r.getRequestId(), request);
            }
        }
        ForgetRequest union = named.values().stream().reduce(ForgetRequest.none(), ForgetRequest::union);
        // One pass over D checks the whole batch; only a batch with a bad request pays for one pass per request.
        if (!named.isEmpty() && UnlearningData.problem(train, union).isPresent()) {
            named.forEach((id, request) -> UnlearningData.problem(train, request)
                    .ifPresent(p -> problems.put(id, "model '" + batch.getModelId() + "' (data set " + train.name()
                            + "): " + p)));
        }
        List<BatchedRequest> kept = byId.values().stream().filter(r -> !problems.containsKey(r.getRequestId()))
                .toList();
        List<RequestStatus> refused = new ArrayList<>();
        problems.forEach((id, reason) -> refused.add(RequestStatus.newBuilder()
                .setRequestId(id)
                .setState(RequestState.FAILED)
                .setModelId(batch.getModelId())
                .setBatchId(batch.getBatchId())
                .setReason("not unlearned: " + reason + "; the other requests of batch " + batch.getBatchId()
                        + " go on")
                .setStage(Statuses.STAGE)
                .setAt(at)
                .setDeadline(byId.get(id).getDeadline())
                .build()));
        if (kept.isEmpty()) {
            return new BatchAdmission(Optional.empty(), refused);
        }
        if (problems.isEmpty()) {
            return new BatchAdmission(Optional.of(batch), refused);
        }
        Set<String> sampleIds = new TreeSet<>();
        Set<Integer> classes = new TreeSet<>();
        kept.forEach(r -> {
            ForgetRequest request = named.get(r.getRequestId());
            sampleIds.addAll(request.sampleIds());
            classes.addAll(request.classes());
        });
        UnlearningBatch served = UnlearningBatch.newBuilder(batch)
                .setRequests(kept)
                .setSampleIds(new ArrayList<>(sampleIds))
                .setClassLabels(new ArrayList<>(classes))
                .setPairs(kept.stream().flatMap(r -> r.getPairs().stream()).distinct().toList())
                .build();
        return new BatchAdmission(Optional.of(served), refused);
    }

    /**
     * The first pair of a request that pairs an image with another image's caption: the training pairs of this
     * system's dual encoders are each image with its own caption (a pair's id is its image's sample id).
     */
    private static Optional<SamplePair> foreignPair(BatchedRequest r) {
        return r.getPairs().stream().filter(p -> !p.getCaptionId().equals(p.getImageId())).findFirst();
    }

    /**
     * What one request names for this model: its resolved sample ids, the image halves of its pairs (a pair's id is
     * its image's sample id) and its class.
     */
    static ForgetRequest forgetRequest(BatchedRequest r) {
        Set<String> samples = new HashSet<>(r.getSampleIds());
        for (SamplePair p : r.getPairs()) {
            samples.add(p.getImageId());
        }
        return new ForgetRequest(samples, Set.of(), r.getClassLabel() == null ? Set.of() : Set.of(r.getClassLabel()));
    }
}
