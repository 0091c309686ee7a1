package io.unlearn.streamprocessor.domain;

import io.unlearn.catalog.Scope;
import java.util.TreeSet;

import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.SamplePair;
import io.unlearn.streamprocessor.catalog.ModelCatalog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules a deletion request must meet to be accepted; {@link #problems} lists every rule it breaks.
 *
 * <p>Rules: the record key equals the request id (so a re-sent request lands on the partition that remembers it);
 * the fields its scope needs are present; SAMPLES, CLASS and PAIRS requests name their models (only SUBJECT
 * requests are resolved from the training manifest); at most {@code maxIds} sample ids, pairs and model ids;
 * every id non-empty and at most {@code maxIdBytes} UTF-8 bytes; model ids without control characters and known to
 * the {@link ModelCatalog}. A deadline in the past is not a problem but a {@linkplain #flags flag}.
 */
public final class RequestValidator {

    /** Flag on a status whose request's deadline had passed when the status was written. */
    public static final String DEADLINE_PASSED = "DEADLINE_PASSED";

    private final int maxIds;
    private final int maxIdBytes;
    private final ModelCatalog catalog;

    /**
     * @param maxIds most sample ids, pairs or model ids per request (config {@code request.max.ids}, default 100000)
     * @param maxIdBytes longest id in UTF-8 bytes (config {@code request.max.id.bytes}, default 256)
     * @param catalog the models that exist
     */
    public RequestValidator(int maxIds, int maxIdBytes, ModelCatalog catalog) {
        this.maxIds = maxIds;
        this.maxIdBytes = maxIdBytes;
        this.catalog = catalog;
    }

    /** Every rule {@code request}, read under {@code recordKey}, breaks, in words a person can act on; empty if valid. */
    public List<String> problems(String recordKey, DeletionRequest request) {
        List<String> problems = new ArrayList<>();
        String requestId = request.getRequestId();
        checkId("requestId", requestId, problems);
        if (recordKey == null) {
            problems.add("record key is null; produce with key = requestId so a re-sent request is recognised");
        } else if (!recordKey.equals(requestId)) {
            problems.add("record key '" + abbreviate(recordKey) + "' differs from requestId '" + abbreviate(requestId)
                    + "'; produce with key = requestId so a re-sent request is recognised");
        }
        checkScopeFields(request, problems);
        checkModels(request, problems);
        return problems;
    }

    /** Remarks that do not change a status's state: {@value #DEADLINE_PASSED} when {@code deadline} is before {@code now}. */
    public static List<String> flags(Instant deadline, Instant now) {
        return deadline != null && deadline.isBefore(now) ? List.of(DEADLINE_PASSED) : List.of();
    }

    private void checkScopeFields(DeletionRequest request, List<String> problems) {
        DeletionScope scope = request.getScope();
        switch (scope) {
            case SAMPLES -> {
                if (request.getSampleIds().isEmpty()) {
                    problems.add("scope SAMPLES needs at least one sample id in sampleIds");
                }
            }
            case SUBJECT -> {
                if (request.getSubjectId() == null) {
                    problems.add("scope SUBJECT needs subjectId");
                } else {
                    checkId("subjectId", request.getSubjectId(), problems);
                }
            }
            case CLASS -> {
                if (request.getClassLabel() == null) {
                    problems.add("scope CLASS needs classLabel");
                } else if (request.getClassLabel() < 0) {
                    problems.add("classLabel " + request.getClassLabel() + " is negative; class labels are indices from 0");
                }
            }
            case PAIRS -> {
                if (request.getPairs().isEmpty()) {
                    problems.add("scope PAIRS needs at least one pair in pairs");
                }
            }
        }
        checkIds("sampleIds", request.getSampleIds(), problems);
        if (request.getPairs().size() > maxIds) {
            problems.add("pairs has " + request.getPairs().size() + " entries, more than the limit of " + maxIds
                    + "; split the request");
        } else {
            for (SamplePair pair : request.getPairs()) {
                checkId("pairs.imageId", pair.getImageId(), problems);
                checkId("pairs.captionId", pair.getCaptionId(), problems);
            }
        }
    }

    private void checkModels(DeletionRequest request, List<String> problems) {
        List<String> modelIds = request.getModelIds();
        if (modelIds.isEmpty() && request.getScope() != DeletionScope.SUBJECT) {
            problems.add("scope " + request.getScope() + " needs modelIds; only SUBJECT requests are resolved to "
                    + "models from the training manifest");
        }
        if (modelIds.size() > maxIds) {
            problems.add("modelIds has " + modelIds.size() + " entries, more than the limit of " + maxIds);
            return;
        }
        Scope scope = Scope.valueOf(request.getScope().name());
        List<String> unknown = new ArrayList<>();
        for (String modelId : modelIds) {
            int before = problems.size();
            checkId("modelIds", modelId, problems);
            if (problems.size() == before && hasControlCharacter(modelId)) {
                problems.add("model id '" + abbreviate(modelId) + "' contains a control character");
            } else if (problems.size() == before && !catalog.knows(modelId)) {
                unknown.add(modelId);
            } else if (problems.size() == before) {
                catalog.family(modelId).filter(f -> !f.serves(scope)).ifPresent(f -> problems.add("model '"
                        + modelId + "' is a " + f.id() + " model, which cannot unlearn " + scope + " requests; it"
                        + " serves " + new TreeSet<>(f.scopes())));
            }
        }
        if (!unknown.isEmpty()) {
            // A request naming thousands of unknown ids must not make a status record of the same size.
            problems.add((unknown.size() == 1 ? "model id '" + abbreviate(unknown.get(0)) + "' is" : unknown.size()
                    + " model ids (" + listed(unknown) + ") are") + " not known to the model registry; register the"
                    + " model or correct the id");
        }
    }

    private void checkIds(String field, List<String> ids, List<String> problems) {
        if (ids.size() > maxIds) {
            problems.add(field + " has " + ids.size() + " entries, more than the limit of " + maxIds
                    + "; split the request");
            return;
        }
        int reported = 0;
        for (String id : ids) {
            int before = problems.size();
            checkId(field, id, problems);
            if (problems.size() > before && ++reported == 3) {
                problems.add(field + ": further bad ids not listed");
                return;
            }
        }
    }

    private void checkId(String field, String id, List<String> problems) {
        if (id == null || id.isEmpty()) {
            problems.add(field + " contains an empty id");
            return;
        }
        if (id.length() <= maxIdBytes / 3) {
            return; // a UTF-16 char takes at most 3 UTF-8 bytes: short ids need no encoding to be measured
        }
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxIdBytes) {
            problems.add(field + " id '" + abbreviate(id) + "' is " + bytes + " bytes long, more than the limit of "
                    + maxIdBytes);
        }
    }

    private static String listed(List<String> ids) {
        String shown = String.join(", ", ids.stream().limit(3).map(id -> "'" + abbreviate(id) + "'").toList());
        return ids.size() <= 3 ? shown : shown + " and " + (ids.size() - 3) + " more";
    }

    private static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static String abbreviate(String value) {
        return value == null || value.length() <= 40 ? value : value.substring(0, 37) + "...";
    }
}
