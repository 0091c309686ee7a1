package io.unlearn.streamprocessor.bench;

import io.unlearn.localstack.SharedStack;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.BatchTrigger;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.streamprocessor.StreamProcessorApp;
import io.unlearn.streamprocessor.StreamProcessorConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Measures the stream-processor against a real broker and registry on this machine (local-stack's
 * {@link SharedStack}) and writes the numbers as JSON.
 *
 * <p>The anchor is a minimal exactly-once Kafka Streams app with the processor's I/O per request ({@link EosBaseline}
 * in mode {@code same_io}: read one request, write a changelogged store update and one status-sized record), run
 * with the processor's client settings on the same requests. A raw producer's rate is printed beside it but is no
 * target: it writes one record per request where both apps read one and write two, in transactions.
 *
 * <ol>
 *   <li>Warm-up: one round as below over W requests, not counted. The broker, the producer and both apps share one
 *       JVM, and on two cores the JIT compiler alone takes most of a core for the first tens of seconds; without a
 *       warm-up the first app measured would pay for compiling the broker's code and its own.</li>
 *   <li>R rounds, each on topics and application ids of its own:
 *     <ul>
 *       <li>raw producer: a plain producer (default settings) writes N pre-serialized deletion requests (SAMPLES,
 *           1-3 ids, 20 models) to the round's input topic; rate = N / time to send and flush;</li>
 *       <li>anchor and stream-processor, in turn (the anchor first in odd rounds, the processor first in even ones,
 *           so that neither always runs on the warmer or the emptier machine): each reads those N requests; rate =
 *           N / time from RUNNING until the N-th output record (a status) is committed, as counted by a
 *           read_committed consumer. The anchor's statuses are as large as the processor's were on average in the
 *           last processor run (a fixed estimate before the first), its stored values as large as a de-duplication
 *           entry.</li>
 *     </ul>
 *     Each variant's CPU in that time is printed per request: the whole JVM's (broker, JIT and GC included), and
 *     split by thread: the variant's own (stream threads and their clients' network threads; for the raw producer
 *     its network thread and the sending main thread), the benchmark's main thread, the rest of the Java threads
 *     (almost all the broker's), and what no Java thread accounts for (GC, JIT, RocksDB).</li>
 *   <li>Flush latency of the {@code max.wait} trigger: with a fresh processor idle, one request each for K fresh
 *       models, 150 ms apart; latency = time the read_committed consumer sees the request's batch minus the time
 *       the request was sent.</li>
 * </ol>
 * Targets: the median over the rounds of processor rate / anchor rate (each ratio from one round) at least
 * {@value #TARGET_RATIO_TO_ANCHOR}, and the flush latency's p99 at most {@code max.wait} + 1 s.
 *
 * <p>Arguments (all optional): {@code requests=200000 warmup=100000 rounds=3 partitions=4 threads=2 maxWaitMs=2000
 * latencySamples=60 out=target/bench-stream-processor.json}, plus any {@code key=value} stream-processor setting
 * prefixed {@code sp.} (the anchor gets the Kafka Streams ones too).
 */
public final class StreamProcessorBenchmark {

    static final double TARGET_RATIO_TO_ANCHOR = 0.7;
    private static final String RAW = "raw producer";
    private static final String ANCHOR = "same-I/O EOS app";
    private static final String PROCESSOR = "stream-processor";
    private static final List<String> VARIANTS = List.of(RAW, ANCHOR, PROCESSOR);
    /** The anchor's status size until a processor run has measured the real one (a BATCHED status's size). */
    private static final int ESTIMATED_STATUS_BYTES = 150;

    private StreamProcessorBenchmark() {
    }

    /** One variant's figures in one round; CPU in microseconds per request. */
    private record Measured(double ratePerS, double cpuUs, double ownCpuUs) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of("requests", "200000", "warmup", "100000", "rounds", "3",
                "partitions", "4", "threads", "2", "maxWaitMs", "2000", "latencySamples", "60",
                "out", "target/bench-stream-processor.json"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            opts.put(kv[0], kv[1]);
        }
        int n = Integer.parseInt(opts.get("requests"));
        int warmup = Integer.parseInt(opts.get("warmup"));
        int rounds = Integer.parseInt(opts.get("rounds"));
        int partitions = Integer.parseInt(opts.get("partitions"));
        long maxWaitMs = Long.parseLong(opts.get("maxWaitMs"));
        int latencySamples = Integer.parseInt(opts.get("latencySamples"));

        SharedStack stack = SharedStack.get();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> models = IntStream.range(0, 20).mapToObj(i -> String.format("bench-m%02d", i)).toList();
        List<String> latencyModels = IntStream.range(0, latencySamples).mapToObj(i -> String.format("wait-m%03d", i)).toList();
        SchemaRegistryClient registry = new RestSchemaRegistryClient(stack.registryUrl());
        AvroSerde<DeletionRequest> serde = AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry);
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        // the value's encoding depends on the subject, not the topic: serialized once, sent to each round's topic
        Rounds rounder = new Rounds(stack, producerProps, requests(serde, Math.max(n, warmup), models), partitions);

        if (warmup > 0) {
            // the processor first, so that the anchor's statuses are as large as the processor's from the start
            Map<String, Measured> m = rounder.run("warm-up", config(stack, "bench." + run + ".warmup", opts, models,
                    latencyModels), run + "-warmup", warmup, false);
            System.out.printf(Locale.ROOT, "warm-up (not counted): raw producer %.0f/s, %s %.0f/s, %s %.0f/s%n",
                    m.get(RAW).ratePerS(), ANCHOR, m.get(ANCHOR).ratePerS(), PROCESSOR, m.get(PROCESSOR).ratePerS());
        }
        List<Map<String, Measured>> results = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            String name = String.format(Locale.ROOT, "r%02d", r);
            results.add(rounder.run("round " + r, config(stack, "bench." + run + "." + name, opts, models,
                    latencyModels), run + "-" + name, n, r % 2 == 1));
            printTable("round " + r + (r % 2 == 1 ? " (anchor first)" : " (processor first)"), List.of(results.get(r - 1)));
        }
        printTable("all " + rounds + " rounds: median [min-max]", results);
        System.out.printf(Locale.ROOT, "statuses: %d bytes per value on average (the anchor's: the same, rounded)%n",
                rounder.statusBytes);

        // max.wait flush latency: a fresh, idle processor, one request per fresh model
        List<Long> latencies = new ArrayList<>();
        StreamProcessorConfig cfg = config(stack, "bench." + run + ".latency", opts, models, latencyModels);
        try (StreamProcessorApp app = new StreamProcessorApp(cfg, new RestSchemaRegistryClient(cfg.schemaRegistryUrl()));
             KafkaConsumer<byte[], byte[]> batches = committedReader(stack.bootstrapServers(), cfg.batchesTopic());
             KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            app.start();
            while (app.state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(10);
            }
            Map<String, Long> sentAt = new HashMap<>();
            for (int i = 0; i < latencySamples; i++) {
                DeletionRequest request = request("wait-" + run + "-" + i, latencyModels.get(i), List.of("w" + i));
                sentAt.put(latencyModels.get(i), System.nanoTime());
                producer.send(new ProducerRecord<>(cfg.deletionRequestsTopic(), utf8(request.getRequestId()),
                        serde.serialize(cfg.deletionRequestsTopic(), request))).get();
                collectLatencies(batches, sentAt, latencies, serdeFor(registry), cfg.batchesTopic(), Duration.ofMillis(150));
            }
            long latencyDeadline = System.nanoTime() + Duration.ofMillis(maxWaitMs * 3 + 5000).toNanos();
            while (latencies.size() < latencySamples && System.nanoTime() < latencyDeadline) {
                collectLatencies(batches, sentAt, latencies, serdeFor(registry), cfg.batchesTopic(), Duration.ofMillis(100));
            }
        }
        Collections.sort(latencies);
        long p50 = percentile(latencies, 0.50);
        long p99 = percentile(latencies, 0.99);
        System.out.printf(Locale.ROOT, "max.wait %d ms: flush latency p50 %d ms, p99 %d ms over %d samples%n",
                maxWaitMs, p50, p99, latencies.size());

        List<Double> toAnchor = ratios(results, PROCESSOR, ANCHOR);
        boolean pass = median(toAnchor) >= TARGET_RATIO_TO_ANCHOR && p99 <= maxWaitMs + 1000
                && latencies.size() == latencySamples;
        String json = String.format(Locale.ROOT, """
                {
                  "timestamp": "%s",
                  "cores": %d,
                  "requests": %d,
                  "warmup_requests": %d,
                  "rounds": %d,
                  "partitions": %d,
                  "stream_threads": %s,
                  "processing_guarantee": "exactly_once_v2",
                  "anchor": "same_io: read a request, put its key into a changelogged %s store (no cache), write one %d-byte status",
                  "rate_per_s": {"raw_producer": %s, "anchor": %s, "processor": %s},
                  "cpu_us_per_request": {"raw_producer": %s, "anchor": %s, "processor": %s},
                  "own_threads_cpu_us_per_request": {"raw_producer": %s, "anchor": %s, "processor": %s},
                  "ratio_processor_to_anchor": %s,
                  "ratio_processor_to_raw": %s,
                  "ratio_anchor_to_raw": %s,
                  "max_wait_ms": %d,
                  "flush_latency_ms": {"samples": %d, "p50": %d, "p99": %d, "max": %d},
                  "targets": {"median_ratio_processor_to_anchor_at_least": %.2f, "p99_at_most_ms": %d},
                  "pass": %s
                }
                """, Instant.now(), Runtime.getRuntime().availableProcessors(), n, warmup, rounds, partitions,
                opts.get("threads"), cfg.stateStoreType(), rounder.statusBytes,
                json(results, RAW, Measured::ratePerS, "%.0f"), json(results, ANCHOR, Measured::ratePerS, "%.0f"),
                json(results, PROCESSOR, Measured::ratePerS, "%.0f"),
                json(results, RAW, Measured::cpuUs, "%.1f"), json(results, ANCHOR, Measured::cpuUs, "%.1f"),
                json(results, PROCESSOR, Measured::cpuUs, "%.1f"),
                json(results, RAW, Measured::ownCpuUs, "%.1f"), json(results, ANCHOR, Measured::ownCpuUs, "%.1f"),
                json(results, PROCESSOR, Measured::ownCpuUs, "%.1f"),
                json(toAnchor, "%.3f"), json(ratios(results, PROCESSOR, RAW), "%.3f"),
                json(ratios(results, ANCHOR, RAW), "%.3f"),
                maxWaitMs, latencies.size(), p50, p99, latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1),
                TARGET_RATIO_TO_ANCHOR, maxWaitMs + 1000, pass);
        Path out = Path.of(opts.get("out"));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, json);
        System.out.print(json);
        System.out.println("written to " + out.toAbsolutePath());
        registry.close();
        System.exit(pass ? 0 : 2);
    }

    /** Runs rounds of the three variants on one broker, over one list of serialized requests. */
    private static final class Rounds {

        private final SharedStack stack;
        private final Properties producerProps;
        private final List<ProducerRecord<byte[], byte[]>> requests;
        private final int partitions;
        /** The anchor's status size: the processor's average in its last run. */
        private int statusBytes = ESTIMATED_STATUS_BYTES;

        Rounds(SharedStack stack, Properties producerProps, List<ProducerRecord<byte[], byte[]>> requests,
               int partitions) {
            this.stack = stack;
            this.producerProps = producerProps;
            this.requests = requests;
            this.partitions = partitions;
        }

        /**
         * One round: the three variants over the first {@code n} requests, sent to {@code cfg}'s input topic. The
         * processor's application id is {@code cfg}'s, the anchor's {@code anchor-<id>}, the raw producer's client id
         * {@code raw-<id>}.
         */
        Map<String, Measured> run(String round, StreamProcessorConfig cfg, String id, int n, boolean anchorFirst)
                throws Exception {
            Map<String, Measured> measured = new HashMap<>();
            Properties raw = new Properties();
            raw.putAll(producerProps);
            raw.put(ProducerConfig.CLIENT_ID_CONFIG, "raw-" + id);
            Window produced = produce(raw, requests.subList(0, n).stream()
                    .map(r -> new ProducerRecord<>(cfg.deletionRequestsTopic(), r.key(), r.value())).toList());
            measured.put(RAW, measure(round, RAW, produced, "raw-" + id, true, n));
            if (anchorFirst) {
                measured.put(ANCHOR, anchor(round, cfg, "anchor-" + id, n));
            }
            measured.put(PROCESSOR, processor(round, cfg, n));
            if (!anchorFirst) {
                measured.put(ANCHOR, anchor(round, cfg, "anchor-" + id, n));
            }
            return measured;
        }

        /** The anchor over {@code cfg}'s input topic, with {@code cfg}'s Kafka Streams settings. */
        private Measured anchor(String round, StreamProcessorConfig cfg, String applicationId, int n)
                throws Exception {
            String output = cfg.requestStatusTopic() + ".anchor";
            stack.createTopics(partitions, output);
            awaitLeaders(stack.bootstrapServers(), output);
            // as large as a de-duplication entry: version byte, first-seen time, origin topic-partition@offset
            int entryBytes = 1 + Long.BYTES + (cfg.deletionRequestsTopic() + "-0@123456").length();
            Topology topology = EosBaseline.topology(EosBaseline.Mode.SAME_IO, cfg.deletionRequestsTopic(), output,
                    cfg.stateStoreType(), statusBytes, entryBytes);
            try (KafkaStreams streams = new KafkaStreams(topology, EosBaseline.streamsProperties(cfg, applicationId));
                 KafkaConsumer<byte[], byte[]> reader = committedReader(stack.bootstrapServers(), output)) {
                return measure(round, ANCHOR, untilCommitted(streams::start, streams::state, reader, n), applicationId,
                        false, n);
            }
        }

        private Measured processor(String round, StreamProcessorConfig cfg, int n) throws Exception {
            try (StreamProcessorApp app = new StreamProcessorApp(cfg, new RestSchemaRegistryClient(cfg.schemaRegistryUrl()));
                 KafkaConsumer<byte[], byte[]> statuses = committedReader(stack.bootstrapServers(), cfg.requestStatusTopic())) {
                Window window = untilCommitted(app::start, app::state, statuses, n);
                statusBytes = (int) Math.round(window.valueBytes());
                Measured measured = measure(round, PROCESSOR, window, cfg.applicationId(), false, n);
                printThreadRatios(app.httpPort());
                return measured;
            }
        }

        /** Prints and returns a variant's figures; its own threads are named after {@code threadsId}. */
        private static Measured measure(String round, String variant, Window window, String threadsId,
                                        boolean mainIsOwn, int n) {
            Measured measured = new Measured(n / (window.nanos() / 1e9), window.cpuNanos() / 1e3 / n,
                    window.threadNanos(name -> name.contains(threadsId) || mainIsOwn && name.equals("main")) / 1e3 / n);
            System.out.printf(Locale.ROOT, "%s, %s: %d requests in %.2f s = %.0f/s, %.1f us CPU per request%n",
                    round, variant, n, window.nanos() / 1e9, measured.ratePerS(), measured.cpuUs());
            printCpuSplit(window, threadsId, n);
            return measured;
        }
    }

    /** The stream-processor's settings for one run: topics and application id named after {@code prefix}. */
    private static StreamProcessorConfig config(SharedStack stack, String prefix, Map<String, String> opts,
                                                List<String> models, List<String> latencyModels) throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put(StreamProcessorConfig.APPLICATION_ID_CONFIG, prefix.replace('.', '-'));
        settings.put(StreamProcessorConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        settings.put(StreamProcessorConfig.SCHEMA_REGISTRY_URL_CONFIG, stack.registryUrl());
        settings.put(StreamProcessorConfig.STATE_DIR_CONFIG, Files.createTempDirectory("sp-bench-").toString());
        settings.put(StreamProcessorConfig.NUM_STREAM_THREADS_CONFIG, opts.get("threads"));
        settings.put(StreamProcessorConfig.DELETION_REQUESTS_TOPIC_CONFIG, prefix + ".deletion-requests");
        settings.put(StreamProcessorConfig.TRAINING_MANIFEST_TOPIC_CONFIG, prefix + ".training-manifest");
        settings.put(StreamProcessorConfig.MODELS_TOPIC_CONFIG, prefix + ".models");
        settings.put(StreamProcessorConfig.BATCHES_TOPIC_CONFIG, prefix + ".batches");
        settings.put(StreamProcessorConfig.REQUEST_STATUS_TOPIC_CONFIG, prefix + ".request-status");
        settings.put(StreamProcessorConfig.DEAD_LETTER_TOPIC_CONFIG, prefix + ".dead-letter");
        settings.put(StreamProcessorConfig.BATCH_MAX_WAIT_MS_CONFIG, opts.get("maxWaitMs"));
        settings.put(StreamProcessorConfig.BATCH_WAIT_CHECK_INTERVAL_MS_CONFIG, "100");
        settings.put(StreamProcessorConfig.HTTP_PORT_CONFIG, "0");
        List<String> known = new ArrayList<>(models);
        known.addAll(latencyModels);
        settings.put(StreamProcessorConfig.KNOWN_MODELS_CONFIG, String.join(",", known));
        opts.forEach((key, value) -> {
            if (key.startsWith("sp.")) {
                settings.put(key.substring(3), value);
            }
        });
        StreamProcessorConfig cfg = StreamProcessorConfig.from(settings);
        stack.createTopics(Integer.parseInt(opts.get("partitions")), cfg.deletionRequestsTopic(),
                cfg.trainingManifestTopic(), cfg.modelsTopic(), cfg.batchesTopic(), cfg.requestStatusTopic(), cfg.deadLetterTopic());
        awaitLeaders(stack.bootstrapServers(), cfg.deletionRequestsTopic(), cfg.batchesTopic(), cfg.requestStatusTopic());
        return cfg;
    }

    /** {@code n} serialized requests, round-robin over {@code models}; their topic is a placeholder. */
    private static List<ProducerRecord<byte[], byte[]>> requests(AvroSerde<DeletionRequest> serde, int n,
                                                                 List<String> models) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int base = i * 3;
            DeletionRequest request = request(String.format("bench-%08d", i), models.get(i % models.size()),
                    IntStream.rangeClosed(0, i % 3).mapToObj(j -> "s" + (base + j)).toList());
            records.add(new ProducerRecord<>(Topics.DELETION_REQUESTS.name(), utf8(request.getRequestId()),
                    serde.serialize(Topics.DELETION_REQUESTS.name(), request)));
        }
        return records;
    }

    /** Sends {@code records} with a plain producer; the window from the first send until flush returned. */
    static Window produce(Properties producerProps, List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(records.get(0).topic()); // metadata fetch outside the timed part
            java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
            Stopwatch stopwatch = new Stopwatch();
            records.forEach(record -> producer.send(record, (metadata, e) -> {
                if (e != null) {
                    failed.compareAndSet(null, e);
                }
            }));
            producer.flush();
            Window window = stopwatch.stop(records.stream().mapToInt(r -> r.value().length).average().orElse(0));
            if (failed.get() != null) {
                throw new IllegalStateException("the raw producer lost requests; the counts would not add up",
                        failed.get());
            }
            return window;
        }
    }

    /**
     * Returns once the broker leads every partition of {@code topics}. Right after creation, on a loaded machine, the
     * metadata can name the broker leader before it acts as one; a producer's first batch is then refused, its later
     * ones accepted, and the idempotent producer retries the first one out of sequence until it times out.
     */
    static void awaitLeaders(String bootstrap, String... topics) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = java.util.Arrays.stream(topics)
                    .flatMap(t -> consumer.partitionsFor(t, Duration.ofMinutes(2)).stream()
                            .map(p -> new TopicPartition(t, p.partition())))
                    .toList();
            consumer.endOffsets(partitions, Duration.ofMinutes(2)); // answered by each partition's leader only
        }
    }

    /** A call that starts an app. */
    @FunctionalInterface
    interface Start {
        void start() throws Exception;
    }

    /**
     * Starts an app; the window from its reaching RUNNING until {@code reader} has read {@code n} committed records,
     * with their average value size.
     */
    static Window untilCommitted(Start start, Supplier<KafkaStreams.State> state, KafkaConsumer<byte[], byte[]> reader,
                                 int n) throws Exception {
        start.start();
        while (state.get() != KafkaStreams.State.RUNNING) {
            Thread.sleep(10);
        }
        Stopwatch stopwatch = new Stopwatch();
        long seen = 0;
        long valueBytes = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (seen < n && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(100))) {
                seen++;
                valueBytes += record.serializedValueSize();
            }
        }
        Window window = stopwatch.stop(seen == 0 ? 0 : (double) valueBytes / seen);
        if (seen < n) {
            throw new IllegalStateException("only " + seen + " of " + n + " output records after 10 minutes");
        }
        return window;
    }

    /**
     * A measured stretch of time: wall time, the JVM's CPU time, each live thread's CPU time at both ends, and the
     * average size of the values counted in it.
     */
    record Window(long nanos, long cpuNanos, Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after,
                  double valueBytes) {

        /** The CPU time in this window of the threads whose name passes {@code select}. */
        long threadNanos(Predicate<String> select) {
            long nanos = 0;
            for (Map.Entry<Long, ThreadCpu> thread : after.entrySet()) {
                if (select.test(thread.getValue().name())) {
                    ThreadCpu was = before.get(thread.getKey());
                    nanos += thread.getValue().cpuNanos() - (was == null ? 0 : was.cpuNanos());
                }
            }
            return nanos;
        }
    }

    /** Starts a {@link Window} when created; the thread snapshot comes first, as it takes a few milliseconds. */
    private static final class Stopwatch {
        private final Map<Long, ThreadCpu> threads = threadCpu();
        private final long cpu = processCpuNanos();
        private final long start = System.nanoTime();

        Window stop(double valueBytes) {
            long nanos = System.nanoTime() - start;
            long cpuNanos = processCpuNanos() - cpu;
            return new Window(nanos, cpuNanos, threads, threadCpu(), valueBytes);
        }
    }

    /**
     * CPU time of this whole JVM (broker, clients, stream threads, JIT) so far. Per request it is less sensitive than
     * a rate to other work on the machine, which matters on a shared two-core box.
     */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** A live thread's name and CPU time so far. */
    record ThreadCpu(String name, long cpuNanos) {
    }

    private static Map<Long, ThreadCpu> threadCpu() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, ThreadCpu> cpu = new HashMap<>();
        for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            long nanos = info == null ? -1 : mx.getThreadCpuTime(info.getThreadId());
            if (nanos >= 0) {
                cpu.put(info.getThreadId(), new ThreadCpu(info.getThreadName(), nanos));
            }
        }
        return cpu;
    }

    /**
     * The JVM's CPU per request in {@code window} split by who spent it: the variant's threads (for an app its stream
     * threads and its clients' network threads, named after the application id {@code threadsId}; for the producer
     * its network thread, named after its client id), the benchmark's main thread (the output reader, or the raw
     * producer's sender), the rest of the Java threads (almost all the broker's), and what no Java thread accounts
     * for (GC, JIT, RocksDB).
     */
    private static void printCpuSplit(Window window, String threadsId, int n) {
        Map<String, Long> byGroup = new java.util.TreeMap<>();
        long javaThreads = 0;
        for (Map.Entry<Long, ThreadCpu> thread : window.after().entrySet()) {
            ThreadCpu was = window.before().get(thread.getKey());
            long nanos = thread.getValue().cpuNanos() - (was == null ? 0 : was.cpuNanos());
            String name = thread.getValue().name();
            String group = name.contains(threadsId)
                    ? (name.contains("StreamThread") && !name.contains("producer") ? "own stream threads"
                    : "own client threads")
                    : name.equals("main") ? "benchmark main" : "broker and other Java threads";
            byGroup.merge(group, nanos, Long::sum);
            javaThreads += nanos;
        }
        byGroup.put("non-Java (GC, JIT, native)", window.cpuNanos() - javaThreads);
        byGroup.forEach((group, nanos) -> System.out.printf(Locale.ROOT, "  cpu %-30s %6.1f us per request%n",
                group, nanos / 1e3 / n));
    }

    /** Per variant: rate, ratios to the anchor and the raw producer, CPU per request; median [min-max] over rounds. */
    private static void printTable(String title, List<Map<String, Measured>> results) {
        System.out.println(title);
        String row = "  %-18s %-22s %-19s %-19s %-19s %-19s%n";
        System.out.printf(Locale.ROOT, row, "variant", "requests/s", "x anchor", "x raw", "us CPU/req (JVM)",
                "us CPU/req (own)");
        for (String variant : VARIANTS) {
            System.out.printf(Locale.ROOT, row, variant, summary(values(results, variant, Measured::ratePerS), "%.0f"),
                    summary(ratios(results, variant, ANCHOR), "%.2f"), summary(ratios(results, variant, RAW), "%.2f"),
                    summary(values(results, variant, Measured::cpuUs), "%.1f"),
                    summary(values(results, variant, Measured::ownCpuUs), "%.1f"));
        }
    }

    private static List<Double> values(List<Map<String, Measured>> results, String variant,
                                       ToDoubleFunction<Measured> value) {
        return results.stream().map(r -> value.applyAsDouble(r.get(variant))).toList();
    }

    /** Per round, {@code variant}'s rate over {@code anchor}'s rate in the same round. */
    private static List<Double> ratios(List<Map<String, Measured>> results, String variant, String anchor) {
        return results.stream().map(r -> r.get(variant).ratePerS() / r.get(anchor).ratePerS()).toList();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int mid = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
    }

    /** One value as is; several as median [min-max]. */
    private static String summary(List<Double> values, String format) {
        if (values.size() == 1) {
            return String.format(Locale.ROOT, format, values.get(0));
        }
        return String.format(Locale.ROOT, format + " [" + format + "-" + format + "]", median(values),
                Collections.min(values), Collections.max(values));
    }

    private static String json(List<Map<String, Measured>> results, String variant, ToDoubleFunction<Measured> value,
                               String format) {
        return json(values(results, variant, value), format);
    }

    /** {@code {"per_round": [...], "median": m}} */
    private static String json(List<Double> values, String format) {
        return "{\"per_round\": [" + values.stream().map(v -> String.format(Locale.ROOT, format, v))
                .collect(Collectors.joining(", ")) + "], \"median\": " + String.format(Locale.ROOT, format, median(values))
                + "}";
    }

    /** Where the stream threads spent their time (Kafka Streams' thread-level ratios, from our /metrics endpoint). */
    private static void printThreadRatios(int port) throws Exception {
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        metrics.lines()
                .filter(l -> l.startsWith("kafka_stream_thread_") && (l.contains("_ratio") || l.contains("latency_avg")
                        || l.contains("blocked_time")))
                .map(l -> l.replaceAll("\\{.*}", ""))
                .forEach(l -> System.out.println("  " + l));
    }

    private static AvroSerde<UnlearningBatch> serdeFor(SchemaRegistryClient registry) {
        return AvroSerde.forTopic(Topics.BATCHES, registry);
    }

    private static void collectLatencies(KafkaConsumer<byte[], byte[]> batches, Map<String, Long> sentAt,
                                         List<Long> latencies, AvroSerde<UnlearningBatch> serde, String topic,
                                         Duration pollFor) {
        for (ConsumerRecord<byte[], byte[]> record : batches.poll(pollFor)) {
            long now = System.nanoTime();
            UnlearningBatch batch = serde.deserialize(topic, record.value());
            Long sent = sentAt.remove(batch.getModelId().toString());
            if (sent != null) {
                if (batch.getTrigger() != BatchTrigger.MAX_WAIT) {
                    throw new IllegalStateException("latency batch closed by " + batch.getTrigger() + ", not MAX_WAIT");
                }
                latencies.add((now - sent) / 1_000_000);
            }
        }
    }

    /** A read_committed consumer of all of {@code topic}'s partitions from the beginning. */
    static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static DeletionRequest request(String id, String modelId, List<String> sampleIds) {
        return DeletionRequest.newBuilder().setRequestId(id).setScope(DeletionScope.SAMPLES)
                .setModelIds(List.of(modelId)).setSampleIds(sampleIds).setReason("benchmark")
                .setRequestedAt(Instant.now()).build();
    }

    private static long percentile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
