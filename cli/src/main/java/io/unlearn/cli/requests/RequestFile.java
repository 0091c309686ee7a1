package io.unlearn.cli.requests;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.SamplePair;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A file of deletion requests, one per line, read and checked before anything is sent.
 *
 * <p><b>JSON lines</b>: one object per line with the fields of the Avro {@code DeletionRequest}: {@code requestId},
 * {@code scope}, {@code subjectId}, {@code sampleIds} (array), {@code classLabel}, {@code pairs} (array of
 * {@code {"imageId": .., "captionId": ..}} or of two-element arrays), {@code modelIds} (array), {@code reason},
 * {@code requestedAt}, {@code deadline} (ISO-8601 instants or epoch milliseconds). Blank lines are skipped.
 *
 * <p><b>CSV</b>: a header line naming the columns (any subset and order of the fields above), then one request per
 * line; fields with commas or quotes are double-quoted ({@code ""} inside quotes is a quote). List fields separate
 * their items with {@code ;}, and a pair is {@code imageId:captionId}.
 *
 * <p><b>Idempotent request ids.</b> A line without {@code requestId} gets one derived from its content
 * ({@value #DERIVED_ID_PREFIX} + the first 24 hex digits of a SHA-256 over scope, subject, samples, class, pairs,
 * models, reason and deadline; {@code requestedAt} is left out because it defaults to the time of sending). Sending
 * the same file twice therefore sends the same ids, and the stream-processor answers the second copy with
 * DUPLICATE_OF instead of unlearning again. {@code requestedAt} defaults to the time the file is read.
 *
 * <p>Each line is checked on its own: the fields its scope needs, model ids for every scope but SUBJECT (only SUBJECT
 * requests are resolved from the training manifest), non-empty ids of at most {@value #MAX_ID_BYTES} UTF-8 bytes, a
 * class label from 0, no unknown field, no request id used twice in the file. These are the stream-processor's
 * rules that need no model catalog; whether a model exists and serves the scope is only known downstream.
 */
public final class RequestFile {

    public static final String DERIVED_ID_PREFIX = "req-";
    /** The stream-processor's default {@code request.max.id.bytes}. */
    public static final int MAX_ID_BYTES = 256;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("requestId", "scope", "subjectId", "sampleIds", "classLabel",
            "pairs", "modelIds", "reason", "requestedAt", "deadline");

    /** The two file formats. */
    public enum Format {
        JSONL, CSV;

        /** CSV for a {@code .csv} file name, JSON lines otherwise. */
        public static Format of(Path file) {
            return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv") ? CSV : JSONL;
        }

        /** Parses {@code jsonl} / {@code csv} (any case). */
        public static Format parse(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "jsonl", "json", "ndjson" -> JSONL;
                case "csv" -> CSV;
                default -> throw new IllegalArgumentException("unknown format '" + value + "'; use jsonl or csv");
            };
        }
    }

    /**
     * One line of the file: its 1-based number, the request it holds (null when it could not be built) and every
     * problem found; a line is sent only when it has no problem.
     */
    public record Line(int number, DeletionRequest request, List<String> problems) {

        public Line {
            problems = List.copyOf(problems);
        }

        public boolean valid() {
            return problems.isEmpty();
        }
    }

    private RequestFile() {
    }

    /** Reads and checks every line of {@code file}. */
    public static List<Line> read(Path file, Format format, Instant now) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader, format, now);
        }
    }

    /** Reads and checks every line {@code reader} gives; blank lines are skipped but counted. */
    public static List<Line> read(BufferedReader reader, Format format, Instant now) throws IOException {
        List<Line> lines = new ArrayList<>();
        Map<String, Integer> firstLineOfId = new HashMap<>();
        List<String> header = null;
        int number = 0;
        for (String text = reader.readLine(); text != null; text = reader.readLine()) {
            number++;
            if (number == 1 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (text.isBlank()) {
                continue;
            }
            List<String> problems = new ArrayList<>();
            Fields fields;
            if (format == Format.JSONL) {
                fields = jsonFields(text, problems);
            } else if (header == null) {
                header = csvHeader(text, number);
                continue;
            } else {
                fields = csvFields(header, text, problems);
            }
            DeletionRequest request = fields == null ? null : build(fields, now, problems);
            if (request != null) {
                Integer earlier = firstLineOfId.putIfAbsent(request.getRequestId(), number);
                if (earlier != null) {
                    problems.add("requestId '" + request.getRequestId() + "' is already used on line " + earlier
                            + (fields.requestId == null ? " (same content, so the same derived id)" : "")
                            + "; a request id names one request");
                }
            }
            lines.add(new Line(number, request, problems));
        }
        if (format == Format.CSV && header == null) {
            throw new IllegalArgumentException("the CSV file is empty: it needs a header line naming its columns, e.g. "
                    + "requestId,scope,subjectId,sampleIds,classLabel,pairs,modelIds,reason");
        }
        return lines;
    }

    /** The request id derived from a request's content when the line names none (see the class comment). */
    public static String derivedId(DeletionRequest request) {
        StringBuilder canonical = new StringBuilder();
        canonical.append(request.getScope()).append('\n')
                .append(request.getSubjectId()).append('\n')
                .append(String.join("\u0000", request.getSampleIds())).append('\n')
                .append(request.getClassLabel()).append('\n');
        for (SamplePair p : request.getPairs()) {
            canonical.append(p.getImageId()).append('\u0000').append(p.getCaptionId()).append('\u0001');
        }
        canonical.append('\n').append(String.join("\u0000", request.getModelIds())).append('\n')
                .append(request.getReason()).append('\n').append(request.getDeadline());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return DERIVED_ID_PREFIX + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The fields of one line as written, before checking; null where absent. */
    private static final class Fields {
        String requestId;
        String scope;
        String subjectId;
        List<String> sampleIds = List.of();
        String classLabel;
        List<String[]> pairs = List.of();
        List<String> modelIds = List.of();
        String reason;
        String requestedAt;
        String deadline;
    }

    // ---- JSON lines ----

    private static Fields jsonFields(String text, List<String> problems) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            problems.add("not a JSON object: " + e.getOriginalMessage());
            return null;
        }
        if (node == null || !node.isObject()) {
            problems.add("not a JSON object; each line holds one request as {\"requestId\": ..., \"scope\": ...}");
            return null;
        }
        Fields f = new Fields();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                problems.add("unknown field '" + name + "'; fields are " + new java.util.TreeSet<>(FIELDS));
            }
        }
        f.requestId = jsonText(node, "requestId", problems);
        f.scope = jsonText(node, "scope", problems);
        f.subjectId = jsonText(node, "subjectId", problems);
        f.sampleIds = jsonStrings(node, "sampleIds", problems);
        f.classLabel = jsonText(node, "classLabel", problems);
        f.modelIds = jsonStrings(node, "modelIds", problems);
        f.reason = jsonText(node, "reason", problems);
        f.requestedAt = jsonText(node, "requestedAt", problems);
        f.deadline = jsonText(node, "deadline", problems);
        JsonNode pairs = node.get("pairs");
        if (pairs != null && !pairs.isNull()) {
            if (!pairs.isArray()) {
                problems.add("pairs must be an array of {\"imageId\": .., \"captionId\": ..}");
            } else {
                List<String[]> out = new ArrayList<>();
                for (JsonNode p : pairs) {
                    if (p.isObject() && p.path("imageId").isValueNode() && p.path("captionId").isValueNode()) {
                        out.add(new String[] {p.get("imageId").asText(), p.get("captionId").asText()});
                    } else if (p.isArray() && p.size() == 2 && p.get(0).isValueNode() && p.get(1).isValueNode()) {
                        out.add(new String[] {p.get(0).asText(), p.get(1).asText()});
                    } else {
                        problems.add("pair " + p + " is neither {\"imageId\": .., \"captionId\": ..} nor [image, caption]");
                    }
                }
                f.pairs = out;
            }
        }
        return f;
    }

    private static String jsonText(JsonNode node, String field, List<String> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            problems.add(field + " must be a single value, not " + value.getNodeType().name().toLowerCase(Locale.ROOT));
            return null;
        }
        return value.asText();
    }

    private static List<String> jsonStrings(JsonNode node, String field, List<String> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            problems.add(field + " must be an array, e.g. \"" + field + "\": [\"a\", \"b\"]");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isValueNode() || item.isNull()) {
                problems.add(field + " holds " + item + ", not an id");
            } else {
                out.add(item.asText());
            }
        }
        return out;
    }

    // ---- CSV ----

    private static List<String> csvHeader(String text, int number) {
        List<String> problems = new ArrayList<>();
        List<String> columns = csvSplit(text, problems);
        for (String column : columns) {
            if (!FIELDS.contains(column.trim())) {
                problems.add("unknown column '" + column + "'; columns are " + new java.util.TreeSet<>(FIELDS));
            }
        }
        if (!columns.contains("scope")) {
            problems.add("the header has no 'scope' column");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("line " + number + " (CSV header): " + String.join("; ", problems));
        }
        return columns.stream().map(String::trim).toList();
    }

    private static Fields csvFields(List<String> header, String text, List<String> problems) {
        List<String> values = csvSplit(text, problems);
        if (!problems.isEmpty()) {
            return null;
        }
        if (values.size() != header.size()) {
            problems.add(values.size() + " fields, but the header names " + header.size() + " columns");
            return null;
        }
        Fields f = new Fields();
        for (int i = 0; i < header.size(); i++) {
            String value = values.get(i).isEmpty() ? null : values.get(i);
            switch (header.get(i)) {
                case "requestId" -> f.requestId = value;
                case "scope" -> f.scope = value;
                case "subjectId" -> f.subjectId = value;
                case "sampleIds" -> f.sampleIds = items(value);
                case "classLabel" -> f.classLabel = value;
                case "modelIds" -> f.modelIds = items(value);
                case "reason" -> f.reason = value;
                case "requestedAt" -> f.requestedAt = value;
                case "deadline" -> f.deadline = value;
                case "pairs" -> {
                    List<String[]> pairs = new ArrayList<>();
                    for (String item : items(value)) {
                        int colon = item.indexOf(':');
                        if (colon < 0) {
                            problems.add("pair '" + item + "' is not imageId:captionId");
                        } else {
                            pairs.add(new String[] {item.substring(0, colon), item.substring(colon + 1)});
                        }
                    }
                    f.pairs = pairs;
                }
                default -> throw new IllegalStateException("header checked: " + header.get(i));
            }
        }
        return f;
    }

    private static List<String> items(String value) {
        if (value == null) {
            return List.of();
        }
        return List.of(value.split(";", -1)).stream().map(String::trim).toList();
    }

    /** Splits one CSV line (RFC 4180 quoting; a quoted field cannot span lines, so line numbers stay exact). */
    static List<String> csvSplit(String line, List<String> problems) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.isEmpty() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                fields.add(wasQuoted ? field.toString() : field.toString().trim());
                field.setLength(0);
                wasQuoted = false;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            problems.add("a quoted field is not closed (a field cannot span lines)");
        }
        fields.add(wasQuoted ? field.toString() : field.toString().trim());
        return fields;
    }

    // ---- checks ----

    private static DeletionRequest build(Fields f, Instant now, List<String> problems) {
        DeletionScope scope = null;
        if (f.scope == null) {
            problems.add("scope is missing; one of SAMPLES, SUBJECT, CLASS, PAIRS");
        } else {
            try {
                scope = DeletionScope.valueOf(f.scope.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("scope '" + f.scope + "' is not one of SAMPLES, SUBJECT, CLASS, PAIRS");
            }
        }
        Integer classLabel = null;
        if (f.classLabel != null) {
            try {
                classLabel = Integer.valueOf(f.classLabel.trim());
                if (classLabel < 0) {
                    problems.add("classLabel " + classLabel + " is negative; class labels are indices from 0");
                }
            } catch (NumberFormatException e) {
                problems.add("classLabel '" + f.classLabel + "' is not an integer");
            }
        }
        Instant requestedAt = f.requestedAt == null ? now : instant("requestedAt", f.requestedAt, problems);
        Instant deadline = f.deadline == null ? null : instant("deadline", f.deadline, problems);
        if (scope != null) {
            boolean hasScopeField = switch (scope) {
                case SAMPLES -> !f.sampleIds.isEmpty();
                case SUBJECT -> f.subjectId != null;
                case CLASS -> f.classLabel != null;
                case PAIRS -> !f.pairs.isEmpty();
            };
            if (!hasScopeField) {
                problems.add("scope " + scope + " needs " + switch (scope) {
                    case SAMPLES -> "at least one sample id in sampleIds";
                    case SUBJECT -> "subjectId";
                    case CLASS -> "classLabel";
                    case PAIRS -> "at least one pair in pairs";
                });
            }
            if (scope != DeletionScope.SUBJECT && f.modelIds.isEmpty()) {
                problems.add("scope " + scope + " needs modelIds; only SUBJECT requests are resolved to models from"
                        + " the training manifest");
            }
        }
        checkId("requestId", f.requestId, true, problems);
        checkId("subjectId", f.subjectId, true, problems);
        f.sampleIds.forEach(id -> checkId("sampleIds", id, false, problems));
        f.modelIds.forEach(id -> checkId("modelIds", id, false, problems));
        for (String[] pair : f.pairs) {
            checkId("pairs.imageId", pair[0], false, problems);
            checkId("pairs.captionId", pair[1], false, problems);
        }
        if (scope == null) {
            return null;
        }
        DeletionRequest request = DeletionRequest.newBuilder()
                .setRequestId(f.requestId == null ? "" : f.requestId)
                .setScope(scope)
                .setSubjectId(f.subjectId)
                .setSampleIds(f.sampleIds)
                .setClassLabel(classLabel)
                .setPairs(f.pairs.stream().map(p -> new SamplePair(p[0], p[1])).toList())
                .setModelIds(f.modelIds)
                .setReason(f.reason == null ? "" : f.reason)
                .setRequestedAt(requestedAt == null ? now : requestedAt)
                .setDeadline(deadline)
                .build();
        if (f.requestId == null) {
            request.setRequestId(derivedId(request));
        }
        return request;
    }

    private static void checkId(String field, String id, boolean absentAllowed, List<String> problems) {
        if (id == null) {
            return;
        }
        if (id.isBlank()) {
            problems.add(field + (absentAllowed ? " is empty; leave it out instead" : " contains an empty id"));
        } else if (id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
            problems.add(field + " id '" + id.substring(0, 20) + "...' is longer than " + MAX_ID_BYTES + " bytes");
        } else if (id.chars().anyMatch(Character::isISOControl)) {
            problems.add(field + " id '" + id + "' contains a control character");
        }
    }

    private static Instant instant(String field, String value, List<String> problems) {
        String v = value.trim();
        try {
            return v.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(v)) : Instant.parse(v);
        } catch (DateTimeParseException | NumberFormatException e) {
            problems.add(field + " '" + value + "' is neither an ISO-8601 instant (2026-12-06T10:15:30Z) nor epoch"
                    + " milliseconds");
            return null;
        }
    }
}
