package io.unlearn.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The one JSON form of an {@link UnlearningPolicy}, read at registration, written into the lineage event and the
 * registry's REST answers, and read back by the worker and the verifier:
 * <pre>{@code
 * {"method": "contrastive", "settings": {"maxEpochs": 20, "lambdaUl": 3},
 *  "thresholds": [{"metric": "forget.accuracy", "comparator": "<=", "threshold": 0.2}],
 *  "maxFailuresBeforeRetrain": 2}
 * }</pre>
 * Reading checks the shape only; whether the model's family can carry the policy out is
 * {@link FamilySpec#check(UnlearningPolicy)}.
 */
public final class PolicyCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern METRIC = Pattern.compile("[a-z0-9][a-z0-9._]*");
    private static final Set<String> FIELDS = Set.of("method", "settings", "thresholds", "maxFailuresBeforeRetrain");
    private static final Set<String> THRESHOLD_FIELDS = Set.of("metric", "comparator", "threshold");
    /** Most failed verifications a policy may allow before exact retraining. */
    public static final int MAX_FAILURES_LIMIT = 100;

    private PolicyCodec() {
    }

    /**
     * @param policy a policy
     * @return its JSON object (settings sorted by key, so equal policies write equal bytes)
     */
    public static ObjectNode toJson(UnlearningPolicy policy) {
        ObjectNode node = JSON.createObjectNode();
        node.put("method", policy.method());
        ObjectNode settings = node.putObject("settings");
        new TreeMap<>(policy.settings()).forEach(settings::put);
        ArrayNode thresholds = node.putArray("thresholds");
        for (Threshold t : policy.thresholds()) {
            thresholds.addObject().put("metric", t.metric()).put("comparator", t.comparator().symbol())
                    .put("threshold", t.threshold());
        }
        node.put("maxFailuresBeforeRetrain", policy.maxFailuresBeforeRetrain());
        return node;
    }

    /**
     * @param policy a policy
     * @return its JSON text
     */
    public static String toJsonText(UnlearningPolicy policy) {
        try {
            return JSON.writeValueAsString(toJson(policy));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a policy always serializes", e);
        }
    }

    /**
     * Reads a policy a service got from another (the registry's REST answer, a lineage event).
     *
     * @param node the policy's JSON object
     * @return the policy
     * @throws InvalidPolicyException naming every problem
     */
    public static UnlearningPolicy fromJson(JsonNode node) {
        List<String> problems = new ArrayList<>();
        UnlearningPolicy policy = read(node, "policy", problems);
        if (!problems.isEmpty() || policy == null) {
            throw new InvalidPolicyException(problems);
        }
        return policy;
    }

    /**
     * Reads a policy from its JSON text.
     *
     * @param text the JSON text
     * @return the policy
     * @throws InvalidPolicyException when the text is not a valid policy
     */
    public static UnlearningPolicy fromJsonText(String text) {
        try {
            return fromJson(JSON.readTree(text));
        } catch (JsonProcessingException e) {
            throw new InvalidPolicyException(List.of("policy: not valid JSON: " + e.getOriginalMessage()));
        }
    }

    /**
     * Reads a policy, collecting every problem of its shape with the JSON path of the field.
     *
     * @param node the policy's JSON object, or null when absent
     * @param path where it is, e.g. {@code policy}
     * @param problems where problems are added
     * @return the policy, or null when it cannot be read
     */
    public static UnlearningPolicy read(JsonNode node, String path, List<String> problems) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            problems.add(path + ": required, an object with method, settings, thresholds and maxFailuresBeforeRetrain");
            return null;
        }
        if (!node.isObject()) {
            problems.add(path + ": must be a JSON object, got " + describe(node));
            return null;
        }
        node.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                problems.add(path + "." + name + ": unknown field (known: " + String.join(", ", FIELDS.stream().sorted()
                        .toList()) + ")");
            }
        });
        JsonNode methodNode = node.get("method");
        String method = null;
        if (methodNode == null || methodNode.isNull()) {
            problems.add(path + ".method: required, a method of the model's family, e.g. contrastive");
        } else if (!methodNode.isTextual() || methodNode.asText().isBlank()) {
            problems.add(path + ".method: must be a non-blank string, got " + describe(methodNode));
        } else {
            method = methodNode.asText().trim().toLowerCase(Locale.ROOT);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        JsonNode settingsNode = node.get("settings");
        if (settingsNode != null && !settingsNode.isNull()) {
            if (!settingsNode.isObject()) {
                problems.add(path + ".settings: must be a JSON object of scalar values, got " + describe(settingsNode));
            } else {
                settingsNode.fields().forEachRemaining(e -> {
                    if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                        settings.put(e.getKey(), e.getValue().asText());
                    } else {
                        problems.add(path + ".settings." + e.getKey() + ": must be a string, number or boolean, got "
                                + describe(e.getValue()));
                    }
                });
            }
        }
        List<Threshold> thresholds = thresholds(node.get("thresholds"), path + ".thresholds", problems);
        int maxFailures = 0;
        JsonNode maxNode = node.get("maxFailuresBeforeRetrain");
        if (maxNode == null || maxNode.isNull()) {
            problems.add(path + ".maxFailuresBeforeRetrain: required, the number of failed verifications after which"
                    + " a batch escalates to retrain (an integer from 0 to " + MAX_FAILURES_LIMIT + ")");
        } else if (!maxNode.isIntegralNumber() || maxNode.asLong() < 0 || maxNode.asLong() > MAX_FAILURES_LIMIT) {
            problems.add(path + ".maxFailuresBeforeRetrain: must be an integer from 0 to " + MAX_FAILURES_LIMIT
                    + ", got " + maxNode);
        } else {
            maxFailures = maxNode.asInt();
        }
        return method == null ? null : new UnlearningPolicy(method, settings, thresholds, maxFailures);
    }

    private static List<Threshold> thresholds(JsonNode node, String path, List<String> problems) {
        List<Threshold> result = new ArrayList<>();
        if (node == null || node.isNull()) {
            problems.add(path + ": required, a non-empty list of {metric, comparator, threshold}");
            return result;
        }
        if (!node.isArray() || node.isEmpty()) {
            problems.add(path + ": must be a non-empty list of {metric, comparator, threshold}, got " + describe(node));
            return result;
        }
        Set<String> keys = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode t = node.get(i);
            if (!t.isObject()) {
                problems.add(at + ": must be an object {metric, comparator, threshold}, got " + describe(t));
                continue;
            }
            t.fieldNames().forEachRemaining(name -> {
                if (!THRESHOLD_FIELDS.contains(name)) {
                    problems.add(at + "." + name + ": unknown field (known: comparator, metric, threshold)");
                }
            });
            String metric = t.path("metric").isTextual() ? t.get("metric").asText() : null;
            if (metric == null) {
                problems.add(at + ".metric: required, a metric name such as forget.accuracy");
            } else if (!METRIC.matcher(metric).matches()) {
                problems.add(at + ".metric: must be a lowercase dotted name such as forget.accuracy, got '" + metric
                        + "'");
                metric = null;
            }
            String symbol = t.path("comparator").isTextual() ? t.get("comparator").asText() : null;
            Comparator comparator = symbol == null ? null : Comparator.parse(symbol).orElse(null);
            if (comparator == null) {
                problems.add(at + ".comparator: must be <= or >=, got " + (symbol == null ? t.get("comparator")
                        : "'" + symbol + "'"));
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
                result.add(new Threshold(metric, comparator, threshold));
            }
        }
        return result;
    }

    private static String describe(JsonNode node) {
        String text = node.toString();
        return node.getNodeType().toString().toLowerCase(Locale.ROOT) + " "
                + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
    }
}
