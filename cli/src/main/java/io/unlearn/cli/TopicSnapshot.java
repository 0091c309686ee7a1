package io.unlearn.cli;

import io.unlearn.cli.errors.CliException;
import io.unlearn.cli.errors.NotFoundException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every committed record of a topic from its beginning up to its end at the time of the call, as raw bytes: for
 * commands that read a whole topic once (dead letters, the lineage log). Records of one partition keep their order.
 */
public final class TopicSnapshot {

    /** Longest a read to the end may take before the cluster is called unavailable. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private TopicSnapshot() {
    }

    /**
     * @param whenMissing the message when the topic does not exist (what that means for the command)
     * @throws NotFoundException when the topic does not exist
     */
    public static List<ConsumerRecord<byte[], byte[]>> read(ConnectionOptions connection, String topic,
                                                          String whenMissing) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(connection.consumerSettings(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic);
            if (partitions == null || partitions.isEmpty()) {
                throw new NotFoundException(whenMissing);
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
            Set<TopicPartition> open = new LinkedHashSet<>(assigned);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (true) {
                open.removeIf(tp -> consumer.position(tp) >= end.get(tp));
                if (open.isEmpty()) {
                    return records;
                }
                if (System.nanoTime() > deadline) {
                    throw new CliException(ExitCodes.UNAVAILABLE, "reading " + topic + " to its end took over "
                            + READ_TIMEOUT.toSeconds() + " s; partitions still open: " + open);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        records.add(r);
                    }
                }
            }
        }
    }
}
