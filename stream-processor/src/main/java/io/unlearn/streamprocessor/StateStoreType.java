package io.unlearn.streamprocessor;

import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where the stream-processor keeps its local stores (config {@code state.store.type}). Either way every store is
 * backed by a changelog topic, so a restarted instance restores it; in-memory stores restore in full on every
 * start, RocksDB stores only the part written since their last checkpoint.
 */
public enum StateStoreType {

    /** RocksDB on local disk under {@code state.dir}: bounded memory, fast restarts. The default. */
    ROCKSDB("rocksdb"),
    /** On the heap: no JNI or disk work per access, memory grows with the stores, full restore on start. */
    IN_MEMORY("in_memory");

    private final String value;

    StateStoreType(String value) {
        this.value = value;
    }

    /** The config value of this type. */
    public String value() {
        return value;
    }

    /** The type whose {@link #value()} is {@code value}, ignoring case. */
    public static StateStoreType parse(String value) {
        for (StateStoreType type : values()) {
            if (type.value.equalsIgnoreCase(value.trim())) {
                return type;
            }
        }
        throw new IllegalArgumentException("state store type '" + value + "' is not one of " + valueList());
    }

    /** All config values, comma-separated. */
    public static String valueList() {
        return Arrays.stream(values()).map(StateStoreType::value).collect(Collectors.joining(", "));
    }

    /** A key-value store of this type named {@code name}. */
    public KeyValueBytesStoreSupplier keyValueStore(String name) {
        return this == IN_MEMORY ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
    }

    @Override
    public String toString() {
        return value;
    }
}
