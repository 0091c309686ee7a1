package io.unlearn.kit.receipts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.unlearn.kit.lineage.LineageDetails;
import io.unlearn.kit.lineage.LineageHashes;
import io.unlearn.schemas.v1.LineageEvent;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * The signed deletion receipt: its field names, the part of it that lineage events prove ({@link #exclusion}), and
 * its Ed25519 signature over the {@link CanonicalJson canonical form} of the receipt object. The model-registry
 * builds and signs receipts with these methods; the CLI verifies them with the same ones, and rebuilds each model's
 * exclusion from the lineage topic with {@link #exclusion} to compare it field by field.
 *
 * <p>A signed document: {@code {"receipt": {...}, "signature": {"algorithm": "Ed25519", "keyId": ..., "value":
 * base64}}}; the signature covers {@code CanonicalJson.bytes(receipt)} only.
 */
public final class Receipts {

    /** The receipt format; a verifier refuses another one rather than misread it. */
    public static final String FORMAT = "unlearn-deletion-receipt/1";

    public static final String RECEIPT = "receipt";
    public static final String SIGNATURE = "signature";
    public static final String SIGNATURE_ALGORITHM = "algorithm";
    public static final String SIGNATURE_KEY_ID = "keyId";
    public static final String SIGNATURE_VALUE = "value";

    public static final String FORMAT_FIELD = "format";
    public static final String REQUEST_ID = "requestId";
    public static final String REASON = "reason";
    public static final String REQUESTED_AT = "requestedAt";
    public static final String DEADLINE = "deadline";
    public static final String ISSUED_AT = "issuedAt";
    public static final String MODELS = "models";
    public static final String MODELS_NOT_EXCLUDING = "modelsNotExcluding";
    public static final String STAGES = "stages";

    public static final String MODEL_ID = "modelId";
    public static final String VERSION_ID = "versionId";
    public static final String ARTIFACT_DIGEST = "artifactDigest";
    public static final String CHECKS = "checks";
    public static final String CANDIDATE_RECORDED = "candidateRecorded";
    public static final String VERIFICATION_RECORDED = "verificationRecorded";
    public static final String LINEAGE_HEAD = "lineageHead";
    public static final String SEQUENCE = "sequence";
    public static final String HASH = "hash";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Receipts() {
    }

    /**
     * What the lineage proves about one model's exclusion of a request: the first excluding version (id, parent,
     * batch, artifact digest), whether it had forgotten the request's data before the request arrived (its request
     * ids do not name the request), when and by which checks it passed (metric, value, comparator, threshold,
     * passed, margin, as recorded), and the events (sequence, type, hash, recorded at) of its candidate, its
     * verification and the model's chain head at issue time. A pure function of the events.
     */
    public static ObjectNode exclusion(String requestId, LineageEvent candidate, LineageEvent verification,
                                       LineageEvent head) {
        ObjectNode model = NODES.objectNode();
        model.put(MODEL_ID, candidate.getModelId());
        model.put(VERSION_ID, candidate.getVersionId());
        model.put("parentVersionId", candidate.getParentVersionId());
        model.put("batchId", candidate.getBatchId());
        model.put(ARTIFACT_DIGEST, candidate.getArtifactDigest());
        model.put("excludedOnArrival", !candidate.getRequestIds().contains(requestId));
        model.put("verdict", verification.getDetails().get(LineageDetails.VERDICT));
        model.put("verifiedAt", verification.getDetails().get(LineageDetails.VERIFIED_AT));
        model.set(CHECKS, parse(verification.getDetails().get(LineageDetails.CHECKS)));
        model.set(CANDIDATE_RECORDED, eventProof(candidate));
        model.set(VERIFICATION_RECORDED, eventProof(verification));
        model.set(LINEAGE_HEAD, eventProof(head));
        return model;
    }

    /** Where an event stands in its model's chain and what it hashes to. */
    public static ObjectNode eventProof(LineageEvent event) {
        ObjectNode proof = NODES.objectNode();
        proof.put(SEQUENCE, event.getSequence());
        proof.put("type", event.getType().name());
        proof.put(HASH, LineageHashes.hash(event));
        proof.put("recordedAt", event.getRecordedAt().toString());
        return proof;
    }

    /** The signed document of {@code receipt}. */
    public static ObjectNode sign(ObjectNode receipt, ReceiptKey key) {
        byte[] value;
        try {
            Signature signer = Signature.getInstance(ReceiptKeys.ALGORITHM);
            signer.initSign(key.privateKey());
            signer.update(CanonicalJson.bytes(receipt));
            value = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a receipt with " + key, e);
        }
        ObjectNode signature = NODES.objectNode();
        signature.put(SIGNATURE_ALGORITHM, ReceiptKeys.ALGORITHM);
        signature.put(SIGNATURE_KEY_ID, key.keyId());
        signature.put(SIGNATURE_VALUE, Base64.getEncoder().encodeToString(value));
        ObjectNode document = NODES.objectNode();
        document.set(RECEIPT, receipt);
        document.set(SIGNATURE, signature);
        return document;
    }

    /**
     * Whether {@code signature} (the raw Ed25519 signature) is {@code publicKey}'s over the canonical form of
     * {@code receipt}; false for a malformed signature too.
     */
    public static boolean signatureHolds(JsonNode receipt, byte[] signature, PublicKey publicKey) {
        try {
            Signature verifier = Signature.getInstance(ReceiptKeys.ALGORITHM);
            verifier.initVerify(publicKey);
            verifier.update(CanonicalJson.bytes(receipt));
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A JSON detail as a tree; one that is not JSON (written by another tool) stays a string. */
    private static JsonNode parse(String detail) {
        if (detail == null) {
            return NODES.nullNode();
        }
        try {
            return JSON.readTree(detail);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(detail);
        }
    }
}
