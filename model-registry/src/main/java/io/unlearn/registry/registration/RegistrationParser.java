package io.unlearn.registry.registration;

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
 *  "policy": {"method": "contrastive", "settings": {"epochs": 2, "alpha": 0.5},
 *             "thresholds": [{"metric": "forget.accuracy", "comparator": "<=", "threshold": 0.2}],
 *             "maxFailuresBeforeRetrain": 2},
 *  "dataset": {"name": "fashion-mnist", "subjects": {"user-1": ["0", "1"], "user-2": ["2"]}},
 *  "artifactBase64": "AAEC..."}
 * }</pre>
 */
public final class RegistrationParser {

    /** Model ids, version ids and subject ids: safe as Kafka keys, URL path segments and file names. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern METRIC = Pattern.compile("[a-z0-9][a-z0-9._]*");
    private static final Set<String> TOP_LEVEL = Set.of(
            "modelId", "baseVersionId", "family", "architecture", "policy", "dataset", "artifactBase64");
    private static final Set<String> POLICY = Set.of("method", "settings", "thresholds", "maxFailuresBeforeRetrain");
    private static final Set<String> THRESHOLD = Set.of("metric", "comparator", "threshold");
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
        ModelFamily family = null;
        String familyName = text(root, "family", problems);
        if (familyName != null) {
            family = ModelFamily.parse(familyName).orElse(null);
            if (family == null) {
                problems.add("family: must be one of " + ModelFamily.choices() + ", got '" + familyName + "'");
            }
        }
        Map<String, Object> architecture = architecture(root.get("architecture"), problems);
        MethodPolicy policy = policy(root.get("policy"), problems);
        TrainingDataset dataset = dataset(root.get("dataset"), problems);
        byte[] artifact = artifact(root.get("artifactBase64"), problems);
        if (family != null && policy != null) {
            methodFitsFamily(family, policy, problems);
        }

        if (!problems.isEmpty()) {
            throw new InvalidRegistrationException(problems);
        }
        return new BaseModelRegistration(modelId, baseVersionId, family, architecture, policy, dataset, artifact);
    }

    /**
     * What the unlearning module can do with each family it knows, checked here so that a policy it cannot carry out
     * is refused at registration rather than failing every batch later. Only the built-in classifier can be
     * retrained from scratch, so only its policies may escalate to {@code retrain} or name a gap to retraining
     * (which the verifier measures against a retrained reference).
     */
    private static void methodFitsFamily(ModelFamily family, MethodPolicy policy, List<String> problems) {
        Set<UnlearningMethodName> methods = switch (family) {
            case CLASSIFIER -> EnumSet.of(UnlearningMethodName.RETRAIN, UnlearningMethodName.FINE_TUNE,
                    UnlearningMethodName.NEG_GRAD_PLUS, UnlearningMethodName.CONTRASTIVE);
            case DKVB_CLASSIFIER -> EnumSet.of(UnlearningMethodName.DKVB);
            case TORCHSCRIPT_CLASSIFIER -> EnumSet.of(UnlearningMethodName.FINE_TUNE,
                    UnlearningMethodName.NEG_GRAD_PLUS, UnlearningMethodName.CONTRASTIVE);
            case DUAL_ENCODER, DENOISER -> EnumSet.allOf(UnlearningMethodName.class); // no methods yet: not judged
        };
        if (!methods.contains(policy.method())) {
            problems.add("policy.method: a " + family.value() + " model is unlearned by "
                    + methods.stream().map(UnlearningMethodName::value).collect(Collectors.joining(" | "))
                    + ", not " + policy.method().value());
        }
        if (family == ModelFamily.DKVB_CLASSIFIER || family == ModelFamily.TORCHSCRIPT_CLASSIFIER) {
            List<VerificationThreshold> thresholds = policy.thresholds();
            for (int i = 0; i < thresholds.size(); i++) {
                String metric = thresholds.get(i).metric();
                if (metric.equals("gap") || metric.endsWith(".gap")) {
                    problems.add("policy.thresholds[" + i + "].metric: " + metric + " compares with exact retraining,"
                            + " which can rebuild classifier models only, not " + family.value());
                }
            }
        }
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

    private MethodPolicy policy(JsonNode node, List<String> problems) {
        if (node == null || node.isNull()) {
            problems.add("policy: required, an object with method, settings, thresholds and maxFailuresBeforeRetrain");
            return null;
        }
        if (!node.isObject()) {
            problems.add("policy: must be a JSON object, got " + describe(node));
            return null;
        }
        unknownFields(node, POLICY, "policy.", problems);
        UnlearningMethodName method = null;
        String methodName = text(node, "method", "policy.method", problems);
        if (methodName != null) {
            method = UnlearningMethodName.parse(methodName).orElse(null);
            if (method == null) {
                problems.add("policy.method: must be one of " + UnlearningMethodName.choices()
                        + ", got '" + methodName + "'");
            }
        }
        Map<String, String> settings = new LinkedHashMap<>();
        JsonNode settingsNode = node.get("settings");
        if (settingsNode != null && !settingsNode.isNull()) {
            if (!settingsNode.isObject()) {
                problems.add("policy.settings: must be a JSON object of scalar values, got " + describe(settingsNode));
            } else {
                settingsNode.fields().forEachRemaining(e -> {
                    if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                        settings.put(e.getKey(), e.getValue().asText());
                    } else {
                        problems.add("policy.settings." + e.getKey() + ": must be a string, number or boolean, got "
                                + describe(e.getValue()));
                    }
                });
            }
        }
        List<VerificationThreshold> thresholds = thresholds(node.get("thresholds"), problems);
        int maxFailures = 0;
        JsonNode maxNode = node.get("maxFailuresBeforeRetrain");
        if (maxNode == null || maxNode.isNull()) {
            problems.add("policy.maxFailuresBeforeRetrain: required, the number of failed verifications after which"
                    + " a batch escalates to retrain (an integer from 0 to 100)");
        } else if (!maxNode.isIntegralNumber() || maxNode.asLong() < 0 || maxNode.asLong() > 100) {
            problems.add("policy.maxFailuresBeforeRetrain: must be an integer from 0 to 100, got " + maxNode);
        } else {
            maxFailures = maxNode.asInt();
        }
        return method == null ? null : new MethodPolicy(method, settings, thresholds, maxFailures);
    }

    private List<VerificationThreshold> thresholds(JsonNode node, List<String> problems) {
        List<VerificationThreshold> result = new ArrayList<>();
        if (node == null || node.isNull()) {
            problems.add("policy.thresholds: required, a non-empty list of {metric, comparator, threshold}");
            return result;
        }
        if (!node.isArray() || node.isEmpty()) {
            problems.add("policy.thresholds: must be a non-empty list of {metric, comparator, threshold}, got "
                    + describe(node));
            return result;
        }
        Set<String> keys = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "policy.thresholds[" + i + "]";
            JsonNode t = node.get(i);
            if (!t.isObject()) {
                problems.add(at + ": must be an object {metric, comparator, threshold}, got " + describe(t));
                continue;
            }
            unknownFields(t, THRESHOLD, at + ".", problems);
            String metric = text(t, "metric", at + ".metric", problems);
            if (metric != null && !METRIC.matcher(metric).matches()) {
                problems.add(at + ".metric: must be a lowercase dotted name such as forget.accuracy, got '"
                        + metric + "'");
                metric = null;
            }
            String symbol = text(t, "comparator", at + ".comparator", problems);
            Comparator comparator = symbol == null ? null : Comparator.parse(symbol).orElse(null);
            if (symbol != null && comparator == null) {
                problems.add(at + ".comparator: must be <= or >=, got '" + symbol + "'");
            }
            JsonNode bound = t.get("threshold");
            Double threshold = null;
            if (bound == null || bound.isNull()) {
                problems.add(at + ".threshold: required, a number");
            } else if (!bound.isNumber() || !Double.isFinite(bound.asDouble())) {
                problems.add(at + ".threshold: must be a finite number, got " + bound);
            } else {
                threshold = bound.asDouble();
            }
            if (metric != null && comparator != null && !keys.add(metric + comparator.symbol())) {
                problems.add(at + ": duplicates an earlier threshold '" + metric + " " + comparator.symbol() + "'");
            }
            if (metric != null && comparator != null && threshold != null) {
                result.add(new VerificationThreshold(metric, comparator, threshold));
            }
        }
        return result;
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
