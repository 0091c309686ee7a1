package io.unlearn.worker;

import io.unlearn.schemas.v1.CandidateVersion;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads, once at start-up, the last committed candidate of every model from the candidates topic: what a killed
 * predecessor emitted but the model-registry may not have recorded yet ({@link BatchUnlearning#resumeAfter}).
 *
 * <p>Candidates are keyed by model id, so a model's candidates are in one partition, in the order they were
 * committed; {@code read_committed} skips aborted ones. The topic holds one small record per version, so reading
 * it from the beginning is cheap next to loading a model.
 */
public final class CommittedCandidates {

    private static final Logger LOG = LoggerFactory.getLogger(CommittedCandidates.class);

    private CommittedCandidates() {
    }

    /**
     * @param common consumer settings, at least {@code bootstrap.servers}
     * @param topic the candidates topic
     * @param deserializer the candidates' Avro deserializer
     * @param timeout how long to try before giving up
     * @return model id to its last committed candidate
     * @throws TimeoutException when the topic could not be read to its end within {@code timeout}
     */
    public static Map<String, CandidateVersion> lastPerModel(Map<String, Object> common, String topic,
            Deserializer<CandidateVersion> deserializer, Duration timeout) {
        Map<String, Object> config = new HashMap<>(common);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            return read(consumer, topic, deserializer, timeout);
        }
    }

    static Map<String, CandidateVersion> read(Consumer<byte[], byte[]> consumer, String topic,
            Deserializer<CandidateVersion> deserializer, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        Map<String, CandidateVersion> last = new LinkedHashMap<>();
        if (partitions.isEmpty()) {
            return last;
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        int skipped = 0;
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("could not read " + topic + " to its end " + end + " within " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                try {
                    CandidateVersion candidate = deserializer.deserialize(topic, record.value());
                    last.put(candidate.getModelId(), candidate);
                } catch (RuntimeException e) {
                    skipped++; // the model-registry dead-letters what cannot be read; it names no version to wait for
                }
            }
        }
        LOG.info("{}: the last committed candidate of {} model(s){}", topic, last.size(),
                skipped == 0 ? "" : " (" + skipped + " undecodable record(s) skipped)");
        return last;
    }
}
