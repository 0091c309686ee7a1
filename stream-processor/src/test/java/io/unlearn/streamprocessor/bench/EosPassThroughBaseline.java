package io.unlearn.streamprocessor.bench;

import io.unlearn.localstack.SharedStack;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

/**
 * Calibration for {@link StreamProcessorBenchmark}: the rate of the simplest exactly-once Kafka Streams app (copy
 * one topic to another, nothing else) next to the raw producer rate, on the same broker and machine. It bounds
 * what any exactly-once topology can reach here. Arguments: {@code requests=100000 partitions=2 threads=1 rounds=1}:
 * with {@code rounds=2} or more the same measurement runs again on fresh topics and only the last round is printed,
 * so that both rates are measured with the JIT warm, as {@link StreamProcessorBenchmark} measures them.
 */
public final class EosPassThroughBaseline {

    private EosPassThroughBaseline() {
    }

    public static void main(String[] args) throws Exception {
        int n = 100_000;
        int partitions = 2;
        String threads = "1";
        int rounds = 1;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "requests" -> n = Integer.parseInt(kv[1]);
                case "partitions" -> partitions = Integer.parseInt(kv[1]);
                case "threads" -> threads = kv[1];
                case "rounds" -> rounds = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        SharedStack stack = SharedStack.get();
        for (int round = 1; round < rounds; round++) {
            measure(stack, n, partitions, threads);
        }
        System.out.println(measure(stack, n, partitions, threads));
        System.exit(0);
    }

    /** One round on fresh topics: the rates as a JSON line. */
    private static String measure(SharedStack stack, int n, int partitions, String threads) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String in = "baseline." + run + ".in";
        String out = "baseline." + run + ".out";
        stack.createTopics(partitions, in, out);
        byte[] value = new byte[120];

        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        long start;
        long producerNanos;
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(in);
            start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(in, ("k" + i).getBytes(), value));
            }
            producer.flush();
            producerNanos = System.nanoTime() - start;
        }

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to(out, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "baseline-" + run);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("baseline-").toString());
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long streamsNanos;
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props);
             KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = consumer.partitionsFor(out).stream()
                    .map(p -> new TopicPartition(out, p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            streams.start();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(10);
            }
            start = System.nanoTime();
            long seen = 0;
            while (seen < n) {
                seen += consumer.poll(Duration.ofMillis(100)).count();
            }
            streamsNanos = System.nanoTime() - start;
        }
        double producerRate = n / (producerNanos / 1e9);
        double streamsRate = n / (streamsNanos / 1e9);
        return String.format(Locale.ROOT, "{\"requests\": %d, \"producer_rate_per_s\": %.0f, "
                        + "\"eos_pass_through_rate_per_s\": %.0f, \"ratio\": %.3f}",
                n, producerRate, streamsRate, streamsRate / producerRate);
    }
}
