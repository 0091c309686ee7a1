package io.unlearn.cli.commands;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** What the ITs read back from a topic: its committed records as bytes, all partitions, from the start. */
final class TopicRecords {

    private TopicRecords() {
    }

    /**
     * Waits (up to 60 s) until at least {@code atLeast} records are there, then polls once more so that a record too
     * many would show up in the answer.
     */
    static List<ConsumerRecord<byte[], byte[]>> read(String bootstrapServers, String topic, int atLeast) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partitions = new ArrayList<TopicPartition>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            for (long giveUp = System.currentTimeMillis() + 60_000; seen.size() < atLeast
                    && System.currentTimeMillis() < giveUp; ) {
                consumer.poll(Duration.ofMillis(250)).forEach(seen::add);
            }
            consumer.poll(Duration.ofSeconds(1)).forEach(seen::add);
        }
        return seen;
    }
}
