package io.unlearn.cli.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unlearn.kit.artifacts.ArtifactStore;
import io.unlearn.kit.artifacts.Digests;
import io.unlearn.kit.lineage.ChainBreak;
import io.unlearn.kit.lineage.LineageVerifier;
import io.unlearn.kit.receipts.CanonicalJson;
import io.unlearn.kit.receipts.ReceiptKeys;
import io.unlearn.kit.receipts.Receipts;
import io.unlearn.schemas.v1.LineageEvent;
import io.unlearn.schemas.v1.LineageEventType;

import java.io.IOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The three checks of a signed deletion receipt, each a pure function of the receipt and what it is checked
 * against; every mismatch names the receipt field it concerns, as a path inside the receipt object
 * ({@code models[0].artifactDigest}, {@code requestId}), or the signature ({@code signature}, {@code signature.keyId}).
 * <ul>
 *   <li>{@link #signature}: the receipt's format, the key id, and the Ed25519 signature over its canonical form;</li>
 *   <li>{@link #artifacts}: each excluding version's artifact re-hashed in the artifact store;</li>
 *   <li>{@link #lineage}: each model's chain intact up to the receipt's head event, and each model's facts rebuilt
 *       from the lineage events the receipt names ({@link Receipts#exclusion}) equal to the receipt's.</li>
 * </ul>
 * The signature alone catches any change to a receipt; the other two say which fact no longer holds, and catch a
 * receipt that was signed with facts the log or the store never held (or no longer hold).
 */
public final class ReceiptVerifier {

    /** How a check ended. */
    public enum Outcome { OK, MISMATCH, NOT_CHECKED }

    /** One fact of the receipt that does not hold: the field (a path into the document) and why. */
    public record Mismatch(String field, String problem) {
        @Override
        public String toString() {
            return field + ": " + problem;
        }
    }

    /** The result of one check: what it was checked against ({@code note}) and its mismatches. */
    public record Check(String name, Outcome outcome, String note, List<Mismatch> mismatches) {

        static Check of(String name, String note, List<Mismatch> mismatches) {
            return new Check(name, mismatches.isEmpty() ? Outcome.OK : Outcome.MISMATCH, note,
                    List.copyOf(mismatches));
        }

        /** A check that did not run, and why (the option that would run it). */
        public static Check notChecked(String name, String why) {
            return new Check(name, Outcome.NOT_CHECKED, why, List.of());
        }
    }

    private ReceiptVerifier() {
    }

    /**
     * (a) The signature: format, algorithm, the key id against {@code key}'s, and the signature over the canonical
     * form of {@code receipt}.
     *
     * @param keySource where {@code key} came from, for the report
     */
    public static Check signature(JsonNode document, PublicKey key, String keySource) {
        List<Mismatch> mismatches = new ArrayList<>();
        String keyId = ReceiptKeys.keyId(key);
        String note = "Ed25519 key " + keyId + " from " + keySource;
        JsonNode receipt = document.path(Receipts.RECEIPT);
        JsonNode signature = document.path(Receipts.SIGNATURE);
        if (!receipt.isObject() || !signature.isObject()) {
            mismatches.add(new Mismatch(receipt.isObject() ? Receipts.SIGNATURE : Receipts.RECEIPT,
                    "missing: this is not a signed receipt document {\"receipt\": ..., \"signature\": ...}"));
            return Check.of("signature", note, mismatches);
        }
        String format = receipt.path(Receipts.FORMAT_FIELD).asText(null);
        if (!Receipts.FORMAT.equals(format)) {
            mismatches.add(new Mismatch(Receipts.FORMAT_FIELD, "is " + format + "; this CLI reads "
                    + Receipts.FORMAT));
        }
        String algorithm = signature.path(Receipts.SIGNATURE_ALGORITHM).asText(null);
        if (!ReceiptKeys.ALGORITHM.equals(algorithm)) {
            mismatches.add(new Mismatch("signature." + Receipts.SIGNATURE_ALGORITHM, "is " + algorithm
                    + "; receipts are signed with " + ReceiptKeys.ALGORITHM));
        }
        String named = signature.path(Receipts.SIGNATURE_KEY_ID).asText(null);
        if (!keyId.equals(named)) {
            mismatches.add(new Mismatch("signature." + Receipts.SIGNATURE_KEY_ID, "the receipt names key " + named
                    + ", the public key from " + keySource + " is " + keyId));
        }
        byte[] value;
        try {
            value = Base64.getDecoder().decode(signature.path(Receipts.SIGNATURE_VALUE).asText(""));
        } catch (IllegalArgumentException e) {
            value = new byte[0];
        }
        if (!Receipts.signatureHolds(receipt, value, key)) {
            mismatches.add(new Mismatch("signature", "does not verify under key " + keyId + ": the receipt was"
                    + " changed after it was signed, or another key signed it"));
        }
        return Check.of("signature", note, mismatches);
    }

    /**
     * (b) Each excluding version's artifact: stored under its digest, and its bytes still hash to it.
     *
     * @param where the artifact directory, for the report
     */
    public static Check artifacts(JsonNode document, ArtifactStore store, String where) {
        List<Mismatch> mismatches = new ArrayList<>();
        JsonNode models = document.path(Receipts.RECEIPT).path(Receipts.MODELS);
        for (int i = 0; i < models.size(); i++) {
            String field = "models[" + i + "]." + Receipts.ARTIFACT_DIGEST;
            String digest = models.get(i).path(Receipts.ARTIFACT_DIGEST).asText(null);
            if (!Digests.isSha256Hex(digest)) {
                mismatches.add(new Mismatch(field, "is not a SHA-256 digest: " + digest));
                continue;
            }
            try {
                Optional<String> actual = store.recomputeDigest(digest);
                if (actual.isEmpty()) {
                    mismatches.add(new Mismatch(field, "no artifact " + digest + " in " + where));
                } else if (!actual.get().equals(digest)) {
                    mismatches.add(new Mismatch(field, "the artifact stored under " + digest + " now hashes to "
                            + actual.get() + ": it was altered after version "
                            + models.get(i).path(Receipts.VERSION_ID).asText() + " was recorded"));
                }
            } catch (IOException e) {
                mismatches.add(new Mismatch(field, "cannot read artifact " + digest + " in " + where + ": " + e));
            }
        }
        return Check.of("artifacts", models.size() + " artifacts re-hashed in " + where, mismatches);
    }

    /**
     * (c) The lineage: for each model, its chain (sequences and hash links) intact up to the receipt's head event,
     * and the facts rebuilt from the events the receipt names equal to the receipt's, field by field.
     *
     * @param eventsInLogOrder every event of the lineage topic, in log order
     * @param topic            the lineage topic, for the report
     */
    public static Check lineage(JsonNode document, List<LineageEvent> eventsInLogOrder, String topic) {
        List<Mismatch> mismatches = new ArrayList<>();
        JsonNode receipt = document.path(Receipts.RECEIPT);
        String requestId = receipt.path(Receipts.REQUEST_ID).asText(null);
        JsonNode models = receipt.path(Receipts.MODELS);
        for (int i = 0; i < models.size(); i++) {
            String path = "models[" + i + "]";
            JsonNode model = models.get(i);
            String modelId = model.path(Receipts.MODEL_ID).asText(null);
            List<LineageEvent> chain = eventsInLogOrder.stream().filter(e -> e.getModelId().equals(modelId))
                    .toList();
            if (chain.isEmpty()) {
                mismatches.add(new Mismatch(path + "." + Receipts.MODEL_ID, "the lineage topic " + topic
                        + " holds no event of model " + modelId));
                continue;
            }
            long head = model.path(Receipts.LINEAGE_HEAD).path(Receipts.SEQUENCE).asLong(-1);
            Optional<ChainBreak> chainBreak = LineageVerifier.linksOnly().firstBreak(chain);
            if (chainBreak.isPresent() && chainBreak.get().sequence() <= head) {
                mismatches.add(new Mismatch(path, "the lineage of model " + modelId + " is broken at event #"
                        + chainBreak.get().sequence() + ": " + chainBreak.get().problem()));
            }
            Map<Long, LineageEvent> bySequence = new HashMap<>();
            chain.forEach(e -> bySequence.putIfAbsent(e.getSequence(), e));
            LineageEvent candidate = named(model, Receipts.CANDIDATE_RECORDED, LineageEventType.CANDIDATE_RECORDED,
                    bySequence, path, modelId, mismatches);
            LineageEvent verification = named(model, Receipts.VERIFICATION_RECORDED,
                    LineageEventType.VERIFICATION_RECORDED, bySequence, path, modelId, mismatches);
            LineageEvent headEvent = named(model, Receipts.LINEAGE_HEAD, null, bySequence, path, modelId, mismatches);
            if (candidate == null || verification == null || headEvent == null) {
                continue;
            }
            ObjectNode expected = Receipts.exclusion(requestId, candidate, verification, headEvent);
            if (!model.path("excludedOnArrival").asBoolean(true) && !candidate.getRequestIds().contains(requestId)) {
                mismatches.add(new Mismatch(Receipts.REQUEST_ID, "version " + candidate.getVersionId() + " of model "
                        + modelId + " does not name request " + requestId + " (its candidate event #"
                        + candidate.getSequence() + " names " + candidate.getRequestIds() + ")"));
                expected.put("excludedOnArrival", false); // reported above, under the field that changed
            }
            diff(path, expected, model, mismatches);
        }
        return Check.of("lineage", eventsInLogOrder.size() + " events read from " + topic, mismatches);
    }

    /**
     * The event at the sequence a receipt's event reference names, or null with a mismatch when there is none or it
     * is not of the type the reference needs ({@code type} null: any).
     */
    private static LineageEvent named(JsonNode model, String reference, LineageEventType type,
                                      Map<Long, LineageEvent> bySequence, String path, String modelId,
                                      List<Mismatch> mismatches) {
        String field = path + "." + reference + "." + Receipts.SEQUENCE;
        JsonNode sequence = model.path(reference).path(Receipts.SEQUENCE);
        LineageEvent event = sequence.canConvertToLong() ? bySequence.get(sequence.asLong()) : null;
        if (event == null) {
            mismatches.add(new Mismatch(field, "the lineage of model " + modelId + " has no event #"
                    + sequence.asText()));
            return null;
        }
        if (type != null && event.getType() != type) {
            mismatches.add(new Mismatch(field, "event #" + event.getSequence() + " of model " + modelId + " is a "
                    + event.getType() + ", not a " + type));
            return null;
        }
        return event;
    }

    /** Adds a mismatch for every leaf (or differently shaped node) where {@code actual} differs from the lineage. */
    private static void diff(String path, JsonNode expected, JsonNode actual, List<Mismatch> mismatches) {
        if (expected.isObject() && actual.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            expected.fieldNames().forEachRemaining(keys::add);
            actual.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                diff(path + "." + key, expected.path(key), actual.path(key), mismatches);
            }
        } else if (expected.isArray() && actual.isArray()) {
            for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
                diff(path + "[" + i + "]", expected.path(i), actual.path(i), mismatches);
            }
        } else if (!shown(expected).equals(shown(actual))) {
            mismatches.add(new Mismatch(path, "the receipt says " + shown(actual) + ", the lineage says "
                    + shown(expected)));
        }
    }

    private static String shown(JsonNode node) {
        if (node instanceof MissingNode) {
            return "nothing";
        }
        String text = CanonicalJson.string(node);
        return text.length() <= 100 ? text : text.substring(0, 97) + "...";
    }
}
