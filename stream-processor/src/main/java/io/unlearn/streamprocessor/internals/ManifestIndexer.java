package io.unlearn.streamprocessor.internals;

import io.unlearn.schemas.errors.SchemaContractException;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.streamprocessor.catalog.ModelCatalog;
import io.unlearn.streamprocessor.observability.StreamProcessorMetrics;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global manifest store (subject id to {@link ManifestEntry}) and tells the {@link ModelCatalog} about
 * every model it sees.
 *
 * <p>A custom global-store processor rather than a plain {@code GlobalKTable}, for two reasons: the catalog learns
 * model ids from the same records (Kafka Streams re-runs this processor when it restores the store, so the catalog
 * is rebuilt on start), and an undecodable manifest record is skipped and counted instead of killing the global
 * thread. A null value (tombstone) removes the subject.
 */
public final class ManifestIndexer implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestIndexer.class);

    private final String storeName;
    private final Deserializer<ManifestEntry> serde;
    private final ModelCatalog catalog;
    private final StreamProcessorMetrics metrics;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, ManifestEntry> store;

    public ManifestIndexer(String storeName, Deserializer<ManifestEntry> serde, ModelCatalog catalog,
                           StreamProcessorMetrics metrics) {
        this.storeName = storeName;
        this.serde = serde;
        this.catalog = catalog;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            skip("key is null; manifest entries are keyed by subject id", null);
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        String where = context.recordMetadata()
                .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("training manifest");
        ManifestEntry entry;
        try {
            entry = serde.deserialize(where, record.value());
        } catch (SchemaContractException e) {
            if (e.isRetryable()) {
                throw e;
            }
            skip(e.getMessage(), e);
            return;
        }
        catalog.onManifestEntry(entry);
        store.put(record.key(), entry);
    }

    private void skip(String why, Exception cause) {
        metrics.manifestEntrySkipped();
        LOG.warn("skipping training-manifest record {}: {}",
                context.recordMetadata().map(RecordMetadata::offset).orElse(-1L), why, cause);
    }
}
