package io.unlearn.registry.registration;

import io.unlearn.catalog.FamilyCatalog;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.PolicyCodec;
import io.unlearn.catalog.UnlearningPolicy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unlearn.registry.errors.InvalidRegistrationException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a base-model registration from its JSON body and checks every field, collecting all problems before
 * failing, so a caller fixes the request in one round trip.
 *
 * <p>Body shape (the artifact travels base64-encoded inside the JSON for now, which limits it to what fits
 * in memory; {@code baseVersionId} is optional):
 * <pre>{@code
 * {"modelId": "fashion-classifier", "baseVersionId": "base", "family": "classifier",
 *  "architecture": {"embeddingDim": 64, "classes": 10},
 *  "policy": {"method": "contrastive", "settings": {"maxEpochs": 2, "lambdaUl": 0.5},
 *             "thresholds": [{"metric": "forget.accuracy", "comparator": "<=", "threshold": 0.2}],
 *             "maxFailuresBeforeRetrain": 2},
 *  "dataset": {"name": "fashion-mnist", "subjects": {"user-1": ["0", "1"], "user-2": ["2"]}},
 *  "artifactBase64": "AAEC..."}
 * }</pre>
 */
public final class RegistrationParser {

    /** Model ids, version ids and subject ids: safe as Kafka keys, URL path segments and file names. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Set<String> TOP_LEVEL = Set.of(
            "modelId", "baseVersionId", "family", "architecture", "policy", "dataset", "artifactBase64");
    private static final Set<String> DATASET = Set.of("name", "subjects");

    private final ObjectMapper json;
    private final long maxArtifactBytes;

    /** @param maxArtifactBytes largest artifact accepted, in bytes (after base64 decoding) */
    public RegistrationParser(ObjectMapper json, long maxArtifactBytes) {
        this.json = json;
        this.maxArtifactBytes = maxArtifactBytes;
    }

    /** The registration in {@code body}; throws {@link InvalidRegistrationException} listing every problem. */
    public BaseModelRegistration parse(byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidRegistrationException(List.of("body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new InvalidRegistrationException(List.of("body cannot be read: " + e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRegistrationException(List.of("body must be a JSON object, got "
                    + (root == null || root.isMissingNode() ? "nothing" : kind(root))));
        }
        List<String> problems = new ArrayList<>();
        unknownFields(root, TOP_LEVEL, "", problems);

        String modelId = id(root, "modelId", problems);
        String baseVersionId = root.has("baseVersionId") ? id(root, "baseVersionId", problems)
                : BaseModelRegistration.DEFAULT_BASE_VERSION_ID;
        FamilySpec family = null;
        String familyName = text(root, "family", problems);
        if (familyName != null) {
            family = FamilyCatalog.family(familyName).orElse(null);
            if (family == null) {
                problems.add("family: this system implements " + FamilyCatalog.ids() + "; '" + familyName
                        + "' is none of them");
            }
        }
        Map<String, Object> architecture = architecture(root.get("architecture"), problems);
        UnlearningPolicy policy = PolicyCodec.read(root.get("policy"), "policy", problems);
        TrainingDataset dataset = dataset(root.get("dataset"), problems);
        byte[] artifact = artifact(root.get("artifactBase64"), problems);
        if (family != null && policy != null) {
            problems.addAll(family.check(policy));
        }

        if (!problems.isEmpty()) {
            throw new InvalidRegistrationException(problems);
        }
        return new BaseModelRegistration(modelId, baseVersionId, family, architecture, policy, dataset, artifact);
    }

    private Map<String, Object> architecture(JsonNode node, List<String> problems) {
        if (node == null || node.isNull()) {
            problems.add("architecture: required, a JSON object of the family's settings (e.g. {\"classes\": 10})");
            return Map.of();
        }
        if (!node.isObject()) {
            problems.add("architecture: must be a JSON object, got " + describe(node));
            return Map.of();
        }
        return json.convertValue(node, new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    private TrainingDataset dataset(JsonNode node, List<String> problems) {
        if (node == null || node.isNull()) {
            problems.add("dataset: required, an object {name, subjects: {subjectId: [sampleId, ...]}}");
            return null;
        }
        if (!node.isObject()) {
            problems.add("dataset: must be a JSON object, got " + describe(node));
            return null;
        }
        unknownFields(node, DATASET, "dataset.", problems);
        String name = text(node, "name", "dataset.name", problems);
        JsonNode subjectsNode = node.get("subjects");
        Map<String, List<String>> subjects = new LinkedHashMap<>();
        if (subjectsNode == null || subjectsNode.isNull()) {
            problems.add("dataset.subjects: required, an object mapping each subject id to its sample ids"
                    + " (may be {} when no training sample belongs to a data subject)");
        } else if (!subjectsNode.isObject()) {
            problems.add("dataset.subjects: must be an object mapping subject id to a list of sample ids, got "
                    + describe(subjectsNode));
        } else {
            Map<String, String> ownerOfSample = new HashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = subjectsNode.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String subject = e.getKey();
                String at = "dataset.subjects." + subject;
                if (!ID.matcher(subject).matches()) {
                    problems.add("dataset.subjects: subject id '" + subject + "' must match " + ID.pattern());
                }
                JsonNode samples = e.getValue();
                if (!samples.isArray() || samples.isEmpty()) {
                    problems.add(at + ": must be a non-empty list of sample ids, got " + describe(samples));
                    continue;
                }
                List<String> ids = new ArrayList<>();
                for (JsonNode sample : samples) {
                    if (!sample.isTextual() || sample.asText().isBlank()) {
                        problems.add(at + ": sample ids must be non-blank strings, got " + sample);
                        continue;
                    }
                    String previousOwner = ownerOfSample.putIfAbsent(sample.asText(), subject);
                    if (previousOwner != null) {
                        problems.add(at + ": sample '" + sample.asText() + "' is already owned by subject '"
                                + previousOwner + "'; a sample has one owner");
                        continue;
                    }
                    ids.add(sample.asText());
                }
                subjects.put(subject, ids);
            }
        }
        return name == null ? null : new TrainingDataset(name, subjects);
    }

    private byte[] artifact(JsonNode node, List<String> problems) {
        if (node == null || node.isNull()) {
            problems.add("artifactBase64: required, the base model's parameters encoded as base64");
            return null;
        }
        if (!node.isTextual()) {
            problems.add("artifactBase64: must be a base64 string, got " + describe(node));
            return null;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(node.asText());
        } catch (IllegalArgumentException e) {
            problems.add("artifactBase64: not valid base64 (" + e.getMessage() + ")");
            return null;
        }
        if (bytes.length == 0) {
            problems.add("artifactBase64: the artifact is empty; send the saved parameters");
            return null;
        }
        if (bytes.length > maxArtifactBytes) {
            problems.add("artifactBase64: the artifact has " + bytes.length + " bytes, more than the limit of "
                    + maxArtifactBytes + " (artifact.max.bytes)");
            return null;
        }
        return bytes;
    }

    private static String id(JsonNode parent, String field, List<String> problems) {
        String value = text(parent, field, problems);
        if (value != null && !ID.matcher(value).matches()) {
            problems.add(field + ": must match " + ID.pattern() + " (letters, digits, '.', '_', '-'; at most 128),"
                    + " got '" + value + "'");
            return null;
        }
        return value;
    }

    private static String text(JsonNode parent, String field, List<String> problems) {
        return text(parent, field, field, problems);
    }

    private static String text(JsonNode parent, String field, String path, List<String> problems) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            problems.add(path + ": required");
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            problems.add(path + ": must be a non-blank string, got " + describe(node));
            return null;
        }
        return node.asText();
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix, List<String> problems) {
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                problems.add(prefix + name + ": unknown field (known: " + String.join(", ", known.stream().sorted()
                        .toList()) + ")");
            }
        });
    }

    private static String describe(JsonNode node) {
        String text = node.toString();
        return kind(node) + " " + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().toString().toLowerCase(Locale.ROOT);
    }
}
