package io.unlearn.registry.observability;

import io.unlearn.kit.observability.MeterPrefix;

/**
 * The model-registry's meter names, {@code unlearn.registry.*} ({@link MeterPrefix}); each class registers its own
 * meters under these names. Tags are low-cardinality; never a model, version or request id.
 */
public final class ModelRegistryMetrics {

    private static final MeterPrefix P = MeterPrefix.REGISTRY;

    /** Timer, tags {@code route} (the route template), {@code method}, {@code status}: REST requests served. */
    public static final String HTTP_REQUESTS = P.of("http.requests");
    /** Requests refused for a missing or wrong registry token, by whether they would have written. */
    public static final String HTTP_UNAUTHORIZED = P.of("http.unauthorized");
    /** Counter, tag {@code outcome} = created | invalid | conflict: {@code POST /models} answers. */
    public static final String REGISTRATIONS = P.of("registrations");
    /** Counter, tag {@code outcome} = ok | broken: lineage chain checks asked for over REST. */
    public static final String LINEAGE_VERIFICATIONS = P.of("lineage.verifications");
    /** Counter, tag {@code type} (the lineage event type): lineage events committed. */
    public static final String LINEAGE_EVENTS = P.of("lineage.events");
    /**
     * Counter, tags {@code input} = registration | candidate | verification and {@code outcome} = recorded |
     * duplicate | rejected | deferred | retried: inputs the lineage writer handled.
     */
    public static final String INPUTS = P.of("inputs");
    /** Counter, tag {@code outcome} = committed | aborted | fatal: lineage transactions. */
    public static final String TRANSACTIONS = P.of("transactions");
    /** Timer: from beginning a lineage transaction to its events being in the state. */
    public static final String TRANSACTION_DURATION = P.of("transaction.duration");
    /**
     * Counter, tags {@code topic} = lineage | request_status | training_manifest and {@code outcome} = applied |
     * retried | undecodable | failed: records the state reader folded into the state.
     */
    public static final String STATE_RECORDS = P.of("state.records");
    /** Gauge: registered models. */
    public static final String MODELS = P.of("models");
    /** Gauge: recorded versions, bases included. */
    public static final String VERSIONS = P.of("versions");

    private ModelRegistryMetrics() {
    }
}
