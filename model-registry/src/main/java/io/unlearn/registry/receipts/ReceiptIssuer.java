package io.unlearn.registry.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unlearn.kit.receipts.ReceiptKey;
import io.unlearn.kit.receipts.ReceiptKeys;
import io.unlearn.kit.receipts.Receipts;
import io.unlearn.registry.errors.NotExcludedException;
import io.unlearn.registry.errors.ReceiptsDisabledException;
import io.unlearn.registry.state.RegistryState;
import io.unlearn.registry.state.RegistryState.ReceiptEvents;
import io.unlearn.registry.state.Views.ModelExclusion;
import io.unlearn.registry.state.Views.RequestView;
import io.unlearn.registry.state.Views.StatusView;

import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Issues signed deletion receipts ({@code GET /requests/{id}/receipt}) and shows the receipt key
 * ({@code GET /receipt-key}).
 *
 * <p>A receipt is issued once at least one model excludes the request (its first excluding version PASSED); it
 * holds, signed with Ed25519 over the canonical form (see {@link Receipts}):
 * <ul>
 *   <li>{@code format}, {@code requestId}, {@code issuedAt};</li>
 *   <li>{@code requestedAt}, {@code deadline} and {@code reason}: taken from the request's view as
 *       {@code GET /requests/{id}} renders it, so they appear once the view carries them; until then (the registry
 *       does not read the deletion requests themselves) the first two are null and {@code reason} is left out;</li>
 *   <li>{@code models}: per excluding model, {@link Receipts#exclusion} (version, parent, batch, artifact digest,
 *       checks with thresholds and margins, the lineage events of candidate and verification, the chain head);</li>
 *   <li>{@code modelsNotExcluding}: the models the request concerns that do not exclude it yet, with their latest
 *       state, so that a receipt never reads as complete when it is not;</li>
 *   <li>{@code stages}: the request's status history (state, stage, model, version, time).</li>
 * </ul>
 * Without a receipt key every call throws {@link ReceiptsDisabledException}: the registry runs, but attests nothing.
 */
public final class ReceiptIssuer {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Renders the request view as the REST API does, to take the request's own facts from it. */
    private static final ObjectMapper VIEWS = new ObjectMapper();

    private final RegistryState state;
    private final ReceiptKey key;
    private final String disabledReason;
    private final Clock clock;

    private ReceiptIssuer(RegistryState state, ReceiptKey key, String disabledReason, Clock clock) {
        this.state = state;
        this.key = key;
        this.disabledReason = disabledReason;
        this.clock = clock;
    }

    /** An issuer that signs with {@code key}. */
    public static ReceiptIssuer signingWith(ReceiptKey key, RegistryState state, Clock clock) {
        return new ReceiptIssuer(state, key, null, clock);
    }

    /** An issuer that refuses every receipt, saying {@code why}. */
    public static ReceiptIssuer disabled(String why) {
        return new ReceiptIssuer(null, null, why, Clock.systemUTC());
    }

    /** The receipt key's id, or empty when receipts are off. */
    public Optional<String> keyId() {
        return Optional.ofNullable(key).map(ReceiptKey::keyId);
    }

    /** {@code GET /receipt-key}: the algorithm, the key id and the public key (PEM, and base64 of its X.509 form). */
    public Map<String, Object> publicKey() {
        ReceiptKey k = requireKey();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("algorithm", ReceiptKeys.ALGORITHM);
        answer.put("keyId", k.keyId());
        answer.put("publicKey", Base64.getEncoder().encodeToString(k.publicKey().getEncoded()));
        answer.put("pem", ReceiptKeys.publicKeyPem(k.publicKey()));
        return answer;
    }

    /**
     * {@code GET /requests/{id}/receipt}: the signed receipt.
     *
     * @throws io.unlearn.registry.errors.NotFoundException when the registry knows nothing of the request (404)
     * @throws NotExcludedException when no model excludes it yet (409)
     * @throws ReceiptsDisabledException when the registry has no receipt key (503)
     */
    public ObjectNode receipt(String requestId) {
        ReceiptKey k = requireKey();
        RequestView request = state.request(requestId);
        ArrayNode models = NODES.arrayNode();
        Map<String, String> notExcluding = new LinkedHashMap<>();
        for (StatusView s : request.history()) {
            if (s.modelId() != null) {
                notExcluding.put(s.modelId(), s.state()); // the latest state wins
            }
        }
        for (ModelExclusion m : request.models()) {
            Optional<ReceiptEvents> events = m.firstExcludingVersion() == null ? Optional.empty()
                    : state.receiptEvents(m.modelId(), m.firstExcludingVersion().versionId());
            if (events.isPresent()) {
                models.add(Receipts.exclusion(requestId, events.get().candidate(), events.get().verification(),
                        events.get().head()));
                notExcluding.remove(m.modelId());
            } else {
                notExcluding.putIfAbsent(m.modelId(), null);
            }
        }
        if (models.isEmpty()) {
            StatusView latest = request.history().isEmpty() ? null
                    : request.history().get(request.history().size() - 1);
            throw new NotExcludedException("no model excludes deletion request '" + requestId + "' yet"
                    + (latest == null ? "" : " (latest status: " + latest.state()
                    + (latest.modelId() == null ? "" : " for model " + latest.modelId())
                    + (latest.reason() == null || latest.reason().isEmpty() ? "" : ": " + latest.reason()) + ")")
                    + "; a receipt is issued once a version that excludes it has PASSED verification");
        }
        ObjectNode receipt = NODES.objectNode();
        receipt.put(Receipts.FORMAT_FIELD, Receipts.FORMAT);
        receipt.put(Receipts.REQUEST_ID, requestId);
        JsonNode view = VIEWS.valueToTree(request);
        receipt.set(Receipts.REQUESTED_AT, view.path(Receipts.REQUESTED_AT).isMissingNode() ? NODES.nullNode()
                : view.get(Receipts.REQUESTED_AT));
        receipt.set(Receipts.DEADLINE, view.path(Receipts.DEADLINE).isMissingNode() ? NODES.nullNode()
                : view.get(Receipts.DEADLINE));
        if (view.hasNonNull(Receipts.REASON)) {
            receipt.set(Receipts.REASON, view.get(Receipts.REASON));
        }
        receipt.put(Receipts.ISSUED_AT, clock.instant().toString());
        receipt.set(Receipts.MODELS, models);
        ArrayNode pending = receipt.putArray(Receipts.MODELS_NOT_EXCLUDING);
        notExcluding.forEach((modelId, latestState) -> pending.addObject().put(Receipts.MODEL_ID, modelId)
                .put("latestState", latestState));
        ArrayNode stages = receipt.putArray(Receipts.STAGES);
        for (StatusView s : request.history()) {
            stages.addObject().put("state", s.state()).put("stage", s.stage()).put(Receipts.MODEL_ID, s.modelId())
                    .put(Receipts.VERSION_ID, s.versionId()).put("at", s.at());
        }
        return Receipts.sign(receipt, k);
    }

    private ReceiptKey requireKey() {
        if (key == null) {
            throw new ReceiptsDisabledException(disabledReason);
        }
        return key;
    }
}
