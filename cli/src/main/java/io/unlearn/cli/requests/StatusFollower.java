package io.unlearn.cli.requests;

import io.unlearn.cli.errors.NotFoundException;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.RequestStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the request-status topic from the moment it is opened (committed records only) and folds the statuses of
 * chosen requests into {@link RequestOutcomes}. Open it before sending, so no status of a sent request is missed;
 * statuses written earlier (for an id sent in an earlier run) are not read, so a re-sent id is judged by what the
 * pipeline says about this copy. Uses no consumer group and commits nothing.
 */
public final class StatusFollower implements AutoCloseable {

    private final KafkaConsumer<String, RequestStatus> consumer;
    private final String topic;
    private long undecodable;

    public StatusFollower(Map<String, Object> consumerSettings, SchemaRegistryClient registry, String topic) {
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(consumerSettings, new StringDeserializer(),
                AvroSerde.forTopic(Topics.REQUEST_STATUS, registry).deserializer());
        List<PartitionInfo> partitions = consumer.partitionsFor(topic);
        if (partitions == null || partitions.isEmpty()) {
            consumer.close();
            throw new NotFoundException("topic " + topic + " does not exist; is the stream-processor running, and is"
                    + " --status-topic right?");
        }
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToEnd(assigned);
        assigned.forEach(consumer::position); // fixes the starting point now, before anything is sent
    }

    /** Polls once (up to {@code wait}) and adds the statuses of {@code requestIds} to {@code outcomes}. */
    public void poll(Duration wait, Set<String> requestIds, RequestOutcomes outcomes) {
        try {
            for (ConsumerRecord<String, RequestStatus> record : consumer.poll(wait)) {
                RequestStatus s = record.value();
                if (s != null && requestIds.contains(s.getRequestId())) {
                    outcomes.add(s.getRequestId(), new RequestOutcomes.Step(s.getState(), s.getModelId(),
                            s.getVersionId(), s.getReason()));
                }
            }
        } catch (RecordDeserializationException e) {
            // Not ours to repair (the stages dead-letter their own bad output); step over it and say so at the end.
            undecodable++;
            consumer.seek(e.topicPartition(), e.offset() + 1);
        }
    }

    /** Records of the status topic that did not decode and were skipped. */
    public long undecodable() {
        return undecodable;
    }

    public String topic() {
        return topic;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
