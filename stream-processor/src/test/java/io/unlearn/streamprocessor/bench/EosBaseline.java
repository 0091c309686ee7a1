package io.unlearn.streamprocessor.bench;

import io.unlearn.localstack.SharedStack;
import io.unlearn.streamprocessor.StateStoreType;
import io.unlearn.streamprocessor.StreamProcessorConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * The simplest exactly-once Kafka Streams apps, the anchors {@link StreamProcessorBenchmark} measures the
 * stream-processor against on the same broker and machine. Two {@link Mode}s:
 * <ul>
 *   <li>{@code same_io}: the stream-processor's I/O per request and nothing else. Per input record (bytes) it puts
 *       the key into a changelogged key-value store of the processor's {@code state.store.type} without a record
 *       cache, as the processor's request-ids store is, and writes one status-sized record keyed by the same key.
 *       No decoding, validation, bundling or batching.</li>
 *   <li>{@code pass_through}: copies one topic to another; no store.</li>
 * </ul>
 * Both take the stream-processor's client settings from {@link StreamProcessorConfig#streamsProperties()} (commit
 * interval, producer batch size, stream threads, pass-through {@code streams.*} settings), so that next to the
 * processor only the topology differs.
 *
 * <p>As a program it measures one mode against the raw producer rate. Arguments: {@code mode=pass_through
 * requests=100000 partitions=2 threads=1 rounds=1}: with {@code rounds=2} or more the same measurement runs again on
 * fresh topics and only the last round is printed, so that both rates are measured with the JIT warm.
 */
public final class EosBaseline {

    /** The one store of {@link Mode#SAME_IO}; its changelog is {@code <application.id>-request-ids-changelog}. */
    static final String STORE = "request-ids";

    /** What the app does per input record. */
    public enum Mode {
        /** Read one record, put its key into a changelogged store, write one status-sized record. */
        SAME_IO("same_io"),
        /** Read one record, write it unchanged to the output topic. */
        PASS_THROUGH("pass_through");

        private final String value;

        Mode(String value) {
            this.value = value;
        }

        /** The mode whose value is {@code value}, ignoring case. */
        public static Mode parse(String value) {
            for (Mode mode : values()) {
                if (mode.value.equalsIgnoreCase(value.trim())) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("mode '" + value + "' is not one of "
                    + Arrays.stream(values()).map(Mode::toString).toList());
        }

        @Override
        public String toString() {
            return value;
        }
    }

    private EosBaseline() {
    }

    /**
     * The app's topology: {@code input} to {@code output}, bytes in and out.
     *
     * @param stores the store type of {@link Mode#SAME_IO}'s store (the processor's {@code state.store.type})
     * @param statusBytes the size of each output value in {@link Mode#SAME_IO}
     * @param storeValueBytes the size of each stored value in {@link Mode#SAME_IO}
     */
    static Topology topology(Mode mode, String input, String output, StateStoreType stores, int statusBytes,
                             int storeValueBytes) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<byte[], byte[]> records = builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()));
        if (mode == Mode.SAME_IO) {
            // as the processor's request-ids store: every key is written once, so a record cache would coalesce nothing
            builder.addStateStore(Stores.keyValueStoreBuilder(stores.keyValueStore(STORE), Serdes.ByteArray(),
                    Serdes.ByteArray()).withCachingDisabled());
            byte[] status = new byte[statusBytes];
            byte[] entry = new byte[storeValueBytes];
            records = records.process(() -> new RememberAndAnswer(entry, status), STORE);
        }
        records.to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return builder.build();
    }

    /**
     * The stream-processor's Kafka Streams settings for an anchor app named {@code applicationId}, with a fresh state
     * directory. The processor's production exception handler is left out: it needs the processor's metrics, and
     * the anchor writes nothing the producer could refuse.
     */
    static Properties streamsProperties(StreamProcessorConfig cfg, String applicationId) throws IOException {
        Properties props = cfg.streamsProperties();
        props.remove(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG);
        props.remove(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(applicationId + "-").toString());
        return props;
    }

    /** Puts each key into the store and answers it with one fixed-size value. */
    private static final class RememberAndAnswer implements Processor<byte[], byte[], byte[], byte[]> {

        private final byte[] entry;
        private final byte[] status;
        private ProcessorContext<byte[], byte[]> context;
        private KeyValueStore<byte[], byte[]> store;

        RememberAndAnswer(byte[] entry, byte[] status) {
            this.entry = entry;
            this.status = status;
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            store.put(record.key(), entry);
            context.forward(record.withValue(status));
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of("mode", Mode.PASS_THROUGH.toString(), "requests", "100000",
                "partitions", "2", "threads", "1", "rounds", "1"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (!opts.containsKey(kv[0]) || kv.length < 2) {
                throw new IllegalArgumentException("unknown argument " + arg + "; known: " + opts.keySet());
            }
            opts.put(kv[0], kv[1]);
        }
        Mode mode = Mode.parse(opts.get("mode"));
        int n = Integer.parseInt(opts.get("requests"));
        int partitions = Integer.parseInt(opts.get("partitions"));
        int rounds = Integer.parseInt(opts.get("rounds"));
        SharedStack stack = SharedStack.get();
        String result = null;
        for (int round = 1; round <= rounds; round++) {
            result = measure(stack, mode, n, partitions, opts.get("threads"));
        }
        System.out.println(result);
        System.exit(0);
    }

    /** One round on fresh topics: the rates as a JSON line. */
    private static String measure(SharedStack stack, Mode mode, int n, int partitions, String threads)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String in = "baseline." + run + ".in";
        String out = "baseline." + run + ".out";
        stack.createTopics(partitions, in, out);
        StreamProcessorBenchmark.awaitLeaders(stack.bootstrapServers(), in, out);
        byte[] value = new byte[120];
        List<ProducerRecord<byte[], byte[]>> records = IntStream.range(0, n)
                .mapToObj(i -> new ProducerRecord<>(in, ("k" + i).getBytes(StandardCharsets.UTF_8), value)).toList();
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        long producerNanos = StreamProcessorBenchmark.produce(producerProps, records).nanos();

        StreamProcessorConfig cfg = StreamProcessorConfig.from(Map.of(
                StreamProcessorConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                StreamProcessorConfig.NUM_STREAM_THREADS_CONFIG, threads));
        long streamsNanos;
        // about the sizes of a BATCHED status and of a de-duplication entry
        try (KafkaStreams streams = new KafkaStreams(topology(mode, in, out, cfg.stateStoreType(), 170, 40),
                streamsProperties(cfg, "baseline-" + run));
             KafkaConsumer<byte[], byte[]> reader = StreamProcessorBenchmark.committedReader(stack.bootstrapServers(), out)) {
            streamsNanos = StreamProcessorBenchmark.untilCommitted(streams::start, streams::state, reader, n).nanos();
        }
        double producerRate = n / (producerNanos / 1e9);
        double streamsRate = n / (streamsNanos / 1e9);
        return String.format(Locale.ROOT, "{\"mode\": \"%s\", \"requests\": %d, \"producer_rate_per_s\": %.0f, "
                        + "\"eos_rate_per_s\": %.0f, \"ratio\": %.3f}",
                mode, n, producerRate, streamsRate, streamsRate / producerRate);
    }
}
