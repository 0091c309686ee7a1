package io.unlearn.schemas;

import org.apache.avro.specific.SpecificRecord;

/**
 * One topic of the pipeline: its default name and the Avro type of its values.
 * Keys are always strings (request id, subject id or model id, see DESIGN.md); the dead-letter topic
 * carries raw bytes and is not described by a {@code Topic}.
 *
 * @param name default topic name; services take the actual name from their configuration
 * @param valueType generated Avro class of the record values
 * @param <V> value type
 */
public record Topic<V extends SpecificRecord>(String name, Class<V> valueType) {

    /** The subject the value schema is registered under (Confluent's TopicNameStrategy: topic + "-value"). */
    public String valueSubject() {
        return Topics.valueSubject(name);
    }
}
