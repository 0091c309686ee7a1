package io.unlearn.kit.processing;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record a task wants published: the loop serializes the value with the project's Avro serde (registering
 * its schema under {@code <topic>-value}) and the key as UTF-8.
 *
 * @param topic the topic, e.g. {@code Topics.CANDIDATES.name()} or the configured name
 * @param key the record key (always a string in this system: model id, request id, ...)
 * @param value the generated Avro record
 */
public record Output(String topic, String key, SpecificRecord value) {

    /** Checks that nothing is null. */
    public Output {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
