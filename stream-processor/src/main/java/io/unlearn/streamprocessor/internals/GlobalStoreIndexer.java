package io.unlearn.streamprocessor.internals;

import io.unlearn.schemas.errors.SchemaContractException;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a global store of a compacted topic (the training manifest: subject id to its entry; the models topic:
 * model id to its family) and tells the {@link io.unlearn.streamprocessor.catalog.ModelCatalog} about every record.
 *
 * <p>A custom global-store processor rather than a plain {@code GlobalKTable}, for two reasons: the catalog learns
 * from the same records (Kafka Streams re-runs this processor when it restores the store, so the catalog is rebuilt
 * on start), and an undecodable record is skipped and counted instead of killing the global thread. A null value
 * (tombstone) removes the key.
 *
 * @param <V> the topic's value type
 */
public final class GlobalStoreIndexer<V extends SpecificRecord> implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(GlobalStoreIndexer.class);

    private final String storeName;
    private final String what;
    private final Deserializer<V> serde;
    private final Consumer<V> onEntry;
    private final Runnable onSkip;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, V> store;

    /**
     * @param storeName the global store
     * @param what the records, for log lines, e.g. {@code training-manifest}
     * @param serde reads the values
     * @param onEntry called with every decoded value, before it is stored
     * @param onSkip called for every record skipped (counted by the metrics)
     */
    public GlobalStoreIndexer(String storeName, String what, Deserializer<V> serde, Consumer<V> onEntry,
                              Runnable onSkip) {
        this.storeName = storeName;
        this.what = what;
        this.serde = serde;
        this.onEntry = onEntry;
        this.onSkip = onSkip;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            skip("key is null", null);
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        String where = context.recordMetadata()
                .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse(what);
        V entry;
        try {
            entry = serde.deserialize(where, record.value());
        } catch (SchemaContractException e) {
            if (e.isRetryable()) {
                throw e;
            }
            skip(e.getMessage(), e);
            return;
        }
        onEntry.accept(entry);
        store.put(record.key(), entry);
    }

    private void skip(String why, Exception cause) {
        onSkip.run();
        LOG.warn("skipping {} record {}: {}", what,
                context.recordMetadata().map(RecordMetadata::offset).orElse(-1L), why, cause);
    }
}
