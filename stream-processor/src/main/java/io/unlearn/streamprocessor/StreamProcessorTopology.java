package io.unlearn.streamprocessor;

import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.ModelEntry;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.streamprocessor.catalog.ModelCatalog;
import io.unlearn.streamprocessor.domain.BatchLimits;
import io.unlearn.streamprocessor.domain.DeadlinePolicy;
import io.unlearn.streamprocessor.domain.RequestValidator;
import io.unlearn.streamprocessor.internals.AdmitProcessor;
import io.unlearn.streamprocessor.internals.BatchProcessor;
import io.unlearn.streamprocessor.internals.BatchStateSerde;
import io.unlearn.streamprocessor.internals.BundleProcessor;
import io.unlearn.streamprocessor.internals.DecodeProcessor;
import io.unlearn.streamprocessor.internals.DedupEntry;
import io.unlearn.streamprocessor.internals.GlobalStoreIndexer;
import io.unlearn.streamprocessor.internals.RequestBundle;
import io.unlearn.streamprocessor.internals.SizeLimitedSerializer;
import io.unlearn.streamprocessor.internals.SubjectWait;
import io.unlearn.streamprocessor.internals.Routed;
import io.unlearn.streamprocessor.observability.StreamProcessorMetrics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import java.util.Map;

/**
 * The stream-processor's topology, a pure function of its configuration: no I/O, no {@code KafkaStreams}.
 *
 * <pre>
 * deletion-requests (bytes) -> decode --undecodable--> dead-letter (untouched bytes + __unlearn.errors.* headers)
 *                                  |--over request.max.bytes, not decoded--> REJECTED --> request-status
 *                                  |   (dead-letter instead when its key cannot be a request id)
 *                                  \--> admit [request-ids-store, training-manifest-store, waiting-subjects-store]
 *                                          |   (each request gets its deadline here: its own, else requestedAt +
 *                                          |    request.default.deadline.ms; its statuses and batches carry it)
 *                                          |   (a SUBJECT request no manifest lists yet waits, RECEIVED, until its
 *                                          |    entry arrives or subject.wait.ms passes)
 *                                          |--REJECTED / DUPLICATE_OF / NO_MODELS_AFFECTED / RECEIVED--> request-status
 *                                          \--one per model, keyed by model id--> bundle [bundled-requests-store]
 *                                                 --one bundle of requests per model--> repartition "pending-requests"
 *                                                 -> batch [pending-requests-store, batch-states-store]
 *                                                      |--> batches (closed at a size limit, at batch.max.wait.ms,
 *                                                      |    or once a request is due within batch.deadline.margin.ms)
 *                                                      \--BATCHED per request--> request-status
 * training-manifest -> global store training-manifest-store (+ model catalog: which models exist)
 * models            -> global store models-store (+ model catalog: each model's family, so the scopes it serves)
 * </pre>
 *
 * Size limits keep every record under the producer's {@code max.request.size} (see {@code batch.max.bytes} in
 * {@link StreamProcessorConfig}): requests over {@code request.max.bytes} are not decoded, reasons are capped, bundles
 * and batches close before {@code batch.max.bytes}. Should a status or batch still be too large, its sink's
 * serializer refuses it and {@code DeadLetterProductionExceptionHandler} sends its input to dead-letter instead.
 *
 * Node and store names are constants here because they are part of the contract: changelog topics are named
 * {@code <application.id>-<store>-changelog} and the repartition topic {@code <application.id>-pending-requests-repartition}.
 */
public final class StreamProcessorTopology {

    public static final String DELETION_REQUESTS_SOURCE = "deletion-requests-source";
    public static final String DECODE_PROCESSOR = "decode-deletion-requests";
    public static final String ADMIT_PROCESSOR = "admit-deletion-requests";
    public static final String BUNDLE_PROCESSOR = "bundle-per-model";
    public static final String BATCH_PROCESSOR = "batch-per-model";
    public static final String TRAINING_MANIFEST_SOURCE = "training-manifest-source";
    public static final String MODELS_SOURCE = "models-source";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";
    public static final String BATCHES_SINK = "batches-sink";
    public static final String ADMIT_STATUS_SINK = "admit-request-status-sink";
    public static final String BATCH_STATUS_SINK = "batch-request-status-sink";
    /** The repartition of request bundles by model id; its topic is {@code <application.id>-pending-requests-repartition}. */
    public static final String PENDING_REPARTITION = "pending-requests";

    /** Global store: subject id to its manifest entry. */
    public static final String TRAINING_MANIFEST_STORE = "training-manifest-store";
    /** Global store: model id to its models-topic entry (family). */
    public static final String MODELS_STORE = "models-store";
    /** Request ids already accepted, with where and when first seen. */
    public static final String REQUEST_IDS_STORE = "request-ids-store";
    /** SUBJECT requests waiting for their subject's manifest entry, by request id. */
    public static final String WAITING_SUBJECTS_STORE = "waiting-subjects-store";
    /** Per model: the accepted requests not yet sent on, as one bundle. */
    public static final String BUNDLED_REQUESTS_STORE = "bundled-requests-store";
    /** Per model: the requests of its pending batch, as one bundle. */
    public static final String PENDING_REQUESTS_STORE = "pending-requests-store";
    /** Per model: last batch sequence and the pending batch's size and age. */
    public static final String BATCH_STATES_STORE = "batch-states-store";

    private StreamProcessorTopology() {
    }

    /**
     * Builds the topology.
     *
     * @param registry the schema registry the Avro serdes use
     * @param catalog the models that exist, for the "unknown model" rule; fed by the manifest as it is read
     * @param metrics where processors count statuses, batches and dead letters
     */
    public static Topology build(StreamProcessorConfig cfg, SchemaRegistryClient registry, ModelCatalog catalog,
                                 StreamProcessorMetrics metrics) {
        Serde<DeletionRequest> requestSerde = new AvroSerde<>(Topics.DELETION_REQUESTS.valueType(), registry);
        Serde<ManifestEntry> manifestSerde = new AvroSerde<>(Topics.TRAINING_MANIFEST.valueType(), registry);
        Serde<ModelEntry> modelSerde = new AvroSerde<>(Topics.MODELS.valueType(), registry);
        Serde<BatchedRequest> pendingSerde = new AvroSerde<>(BatchedRequest.class, registry);
        Serde<UnlearningBatch> batchSerde = new AvroSerde<>(Topics.BATCHES.valueType(), registry);
        AvroSerde<RequestStatus> statusAvro = new AvroSerde<>(Topics.REQUEST_STATUS.valueType(), registry);
        // a status's key is its request id, at most request.max.bytes (the record it came in)
        Serde<RequestStatus> statusSerde = Serdes.serdeFrom(new SizeLimitedSerializer<>(statusAvro.serializer(),
                cfg.producerMaxRequestSize() - cfg.requestMaxBytes() - 1024), statusAvro.deserializer());

        StateStoreType stores = cfg.stateStoreType();
        StreamsBuilder builder = new StreamsBuilder();
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(stores.keyValueStore(TRAINING_MANIFEST_STORE),
                        Serdes.String(), manifestSerde).withLoggingDisabled(),
                cfg.trainingManifestTopic(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(TRAINING_MANIFEST_SOURCE),
                () -> new GlobalStoreIndexer<>(TRAINING_MANIFEST_STORE, "training-manifest",
                        manifestSerde.deserializer(), catalog::onManifestEntry, metrics::manifestEntrySkipped));
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(stores.keyValueStore(MODELS_STORE), Serdes.String(), modelSerde)
                        .withLoggingDisabled(),
                cfg.modelsTopic(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(MODELS_SOURCE),
                () -> new GlobalStoreIndexer<>(MODELS_STORE, "models", modelSerde.deserializer(),
                        catalog::onModelEntry, metrics::modelEntrySkipped));
        // No record cache: every request id is written once, so a cache coalesces nothing; it would only fill the
        // thread's cache and evict the per-model values below, whose rewrites the cache is there to coalesce.
        builder.addStateStore(Stores.keyValueStoreBuilder(stores.keyValueStore(REQUEST_IDS_STORE),
                Serdes.String(), DedupEntry.serde()).withCachingDisabled());
        // Few entries, each written and deleted once: nothing for a cache to coalesce.
        builder.addStateStore(Stores.keyValueStoreBuilder(stores.keyValueStore(WAITING_SUBJECTS_STORE),
                Serdes.String(), SubjectWait.serde(requestSerde, cfg.deletionRequestsTopic())).withCachingDisabled());
        // The record cache is what makes a value per model rewritten on every arrival cheap: it reaches the store
        // and the changelog once per commit at most, and not at all if it was deleted before the commit.
        builder.addStateStore(Stores.keyValueStoreBuilder(stores.keyValueStore(BUNDLED_REQUESTS_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(stores.keyValueStore(PENDING_REQUESTS_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(stores.keyValueStore(BATCH_STATES_STORE),
                Serdes.String(), BatchStateSerde.serde()).withCachingEnabled());

        Split<Routed.Decoded> decoded = split(builder
                .stream(cfg.deletionRequestsTopic(),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(DELETION_REQUESTS_SOURCE))
                .process(() -> new DecodeProcessor(requestSerde.deserializer(), metrics, cfg.requestMaxBytes(),
                        cfg.requestMaxIdBytes(), cfg.producerMaxRequestSize()), Named.as(DECODE_PROCESSOR)),
                "decoded", Routed.Decoded.class, "request", "not-decoded");
        // not decoded: too large (a REJECTED status, when its key names the request) or undecodable (a dead letter)
        Split<Routed.Status> oversized = split(decoded.others(), "not-decoded", Routed.Status.class, "oversized",
                "dead-letter");

        oversized.others()
                .map((key, value) -> {
                    Routed.DeadLetter dead = (Routed.DeadLetter) value;
                    return KeyValue.pair(dead.key(), dead.value());
                }, Named.as("original-key-and-value"))
                .to(cfg.deadLetterTopic(),
                        Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(DEAD_LETTER_SINK));

        RequestValidator validator = new RequestValidator(cfg.requestMaxIds(), cfg.requestMaxIdBytes(), catalog);
        DeadlinePolicy deadlines = new DeadlinePolicy(cfg.requestDefaultDeadline());
        // the requests' encoding registers under the repartition topic's subject, as when they travelled one by one
        String requestTopic = cfg.applicationId() + "-" + PENDING_REPARTITION + "-repartition";
        Split<Routed.Pending> admitted = split(decoded.ofKind()
                .process(() -> new AdmitProcessor(validator, deadlines, REQUEST_IDS_STORE, TRAINING_MANIFEST_STORE,
                                cfg.dedupRetention(), cfg.dedupPurgeInterval(), pendingSerde.serializer(), requestTopic,
                                cfg.batchMaxBytes(), WAITING_SUBJECTS_STORE, cfg.subjectWait(),
                                cfg.subjectWaitCheckInterval()),
                        Named.as(ADMIT_PROCESSOR), REQUEST_IDS_STORE, WAITING_SUBJECTS_STORE),
                "admitted", Routed.Pending.class, "pending", "status");
        // decode and admit run in one sub-topology, so merging their statuses fuses nothing
        writeStatuses(admitted.others().merge(oversized.ofKind().mapValues(status -> (Routed) status,
                        Named.as("oversized-as-routed")), Named.as("admit-and-oversized-statuses")),
                cfg, statusSerde, metrics, ADMIT_STATUS_SINK);

        BatchLimits limits = new BatchLimits(cfg.batchMaxRequests(), cfg.batchMaxSamples(), cfg.batchMaxWait(),
                cfg.batchMaxBytes(), cfg.batchDeadlineMargin());
        Split<Routed.Batch> batched = split(admitted.ofKind()
                .process(() -> new BundleProcessor(limits, cfg.bundleInterval(), BUNDLED_REQUESTS_STORE),
                        Named.as(BUNDLE_PROCESSOR), BUNDLED_REQUESTS_STORE)
                .repartition(Repartitioned.with(Serdes.String(), RequestBundle.serde()).withName(PENDING_REPARTITION))
                .process(() -> new BatchProcessor(limits, cfg.batchWaitCheckInterval(), PENDING_REQUESTS_STORE,
                                BATCH_STATES_STORE, requestTopic, pendingSerde.deserializer(), metrics),
                        Named.as(BATCH_PROCESSOR), PENDING_REQUESTS_STORE, BATCH_STATES_STORE),
                "batched", Routed.Batch.class, "batch", "status");
        // the value guards leave room for the key (a model id) and the record's framing; see SizeLimitedSerializer
        Serde<UnlearningBatch> batchOut = Serdes.serdeFrom(new SizeLimitedSerializer<>(batchSerde.serializer(),
                cfg.producerMaxRequestSize() - cfg.requestMaxIdBytes() - 1024), batchSerde.deserializer());
        batched.ofKind()
                .mapValues(Routed.Batch::batch, Named.as("batch"))
                .to(cfg.batchesTopic(), Produced.with(Serdes.String(), batchOut).withName(BATCHES_SINK));
        writeStatuses(batched.others(), cfg, statusSerde, metrics, BATCH_STATUS_SINK);

        return builder.build();
    }

    /**
     * Writes a stream of {@link Routed.Status} values, counting them. Each sub-topology gets its own sink: merging
     * the two streams would fuse the sub-topologies before and after the repartition into one.
     */
    private static void writeStatuses(KStream<String, Routed> stream, StreamProcessorConfig cfg,
                                      Serde<RequestStatus> serde, StreamProcessorMetrics metrics, String sinkName) {
        stream.mapValues(value -> {
            RequestStatus status = ((Routed.Status) value).status();
            metrics.status(status.getState());
            return status;
        }, Named.as(sinkName + "-status"))
                .to(cfg.requestStatusTopic(), Produced.with(Serdes.String(), serde).withName(sinkName));
    }

    /**
     * A processor's output split in two: the records of one kind, typed as that kind, and all others.
     */
    private record Split<T extends Routed>(KStream<String, T> ofKind, KStream<String, Routed> others) {
    }

    /**
     * Splits {@code stream} by kind, in one branch node that sends each record to its branch only: a filter per kind
     * would pass every record through every filter, and every node on a record's path copies the record.
     */
    private static <T extends Routed> Split<T> split(KStream<String, Routed> stream, String name, Class<T> kind,
                                                     String kindBranch, String otherBranch) {
        Map<String, KStream<String, Routed>> branches = stream.split(Named.as(name + "-"))
                .branch((key, value) -> kind.isInstance(value), Branched.as(kindBranch))
                .defaultBranch(Branched.as(otherBranch));
        // the branch's predicate lets only values of the kind through, so no cast per record is needed
        @SuppressWarnings("unchecked")
        KStream<String, T> ofKind = (KStream<String, T>) (KStream<String, ?>) branches.get(name + "-" + kindBranch);
        return new Split<>(ofKind, branches.get(name + "-" + otherBranch));
    }
}
