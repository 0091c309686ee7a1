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
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Measures the stream-processor against a real broker and registry on this machine (local-stack's
 * {@link SharedStack}) and writes the numbers as JSON.
 *
 * <ol>
 *   <li>Warm-up: the same two phases below, run once over W requests on topics and an application id of their own
 *       and not counted. The broker, the producer and the processor share one JVM, and on two cores the JIT compiler
 *       alone takes most of a core for the first tens of seconds; without a warm-up the processor phase, which runs
 *       longer, would pay for compiling the broker's code and its own while the short producer phase would not.</li>
 *   <li>Raw rate: a plain producer (default settings) writes N pre-serialized deletion requests (SAMPLES, 1-3 ids,
 *       20 models) to the input topic; rate = N / time to send and flush.</li>
 *   <li>Processor rate: the stream-processor, exactly-once, reads those N requests; rate = N / time from RUNNING
 *       until the N-th status is committed (counted by a read_committed consumer). The JVM's CPU in that time is
 *       printed per request and split by thread: the processor's own (stream threads, their clients' network
 *       threads), the broker's, and what no Java thread accounts for (JIT, GC, RocksDB).</li>
 *   <li>Flush latency of the {@code max.wait} trigger: with the processor idle, one request each for K fresh
 *       models, 150 ms apart; latency = time the read_committed consumer sees the request's batch minus the time
 *       the request was sent.</li>
 * </ol>
 * Arguments (all optional): {@code requests=200000 warmup=100000 partitions=4 threads=2 maxWaitMs=2000
 * latencySamples=60 out=target/bench-stream-processor.json}, plus any {@code key=value} stream-processor setting
 * prefixed {@code sp.}.
 */
public final class StreamProcessorBenchmark {

    private StreamProcessorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of("requests", "200000", "warmup", "100000", "partitions", "4",
                "threads", "2", "maxWaitMs", "2000", "latencySamples", "60", "out", "target/bench-stream-processor.json"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            opts.put(kv[0], kv[1]);
        }
        int n = Integer.parseInt(opts.get("requests"));
        int warmup = Integer.parseInt(opts.get("warmup"));
        int partitions = Integer.parseInt(opts.get("partitions"));
        long maxWaitMs = Long.parseLong(opts.get("maxWaitMs"));
        int latencySamples = Integer.parseInt(opts.get("latencySamples"));

        SharedStack stack = SharedStack.get();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> models = IntStream.range(0, 20).mapToObj(i -> String.format("bench-m%02d", i)).toList();
        List<String> latencyModels = IntStream.range(0, latencySamples).mapToObj(i -> String.format("wait-m%03d", i)).toList();
        StreamProcessorConfig cfg = config(stack, "bench." + run, opts, models, latencyModels);
        SchemaRegistryClient registry = new RestSchemaRegistryClient(stack.registryUrl());
        AvroSerde<DeletionRequest> serde = AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry);
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());

        // 0. warm-up: both measured phases once, on their own topics and application id
        if (warmup > 0) {
            StreamProcessorConfig warmupCfg = config(stack, "bench." + run + ".warmup", opts, models, latencyModels);
            long warmupProducerNanos = produce(producerProps, requests(warmupCfg, serde, warmup, models));
            long warmupProcessorNanos = runProcessor(warmupCfg, stack, warmup);
            System.out.printf(Locale.ROOT, "warm-up (not counted): producer %.0f/s, processor %.0f/s%n",
                    warmup / (warmupProducerNanos / 1e9), warmup / (warmupProcessorNanos / 1e9));
        }
        List<ProducerRecord<byte[], byte[]>> records = requests(cfg, serde, n, models);

        // 1. raw producer rate
        long cpuBefore = processCpuNanos();
        long producerNanos = produce(producerProps, records);
        double producerCpuUs = (processCpuNanos() - cpuBefore) / 1e3 / n;
        double producerRate = n / (producerNanos / 1e9);
        System.out.printf(Locale.ROOT, "raw producer: %d requests in %.2f s = %.0f/s, %.1f us CPU per request%n",
                n, producerNanos / 1e9, producerRate, producerCpuUs);

        // 2. processor rate
        double processorRate;
        double processorCpuUs;
        List<Long> latencies = new ArrayList<>();
        try (StreamProcessorApp app = new StreamProcessorApp(cfg, new RestSchemaRegistryClient(cfg.schemaRegistryUrl()));
             KafkaConsumer<byte[], byte[]> statuses = committedReader(stack.bootstrapServers(), cfg.requestStatusTopic());
             KafkaConsumer<byte[], byte[]> batches = committedReader(stack.bootstrapServers(), cfg.batchesTopic())) {
            cpuBefore = processCpuNanos();
            Map<Long, ThreadCpu> threadsBefore = threadCpu();
            long processorNanos = timeUntilStatuses(app, statuses, n);
            long cpuNanos = processCpuNanos() - cpuBefore;
            processorCpuUs = cpuNanos / 1e3 / n;
            processorRate = n / (processorNanos / 1e9);
            System.out.printf(Locale.ROOT, "processor: %d requests in %.2f s = %.0f/s (exactly_once_v2), "
                    + "%.1f us CPU per request%n", n, processorNanos / 1e9, processorRate, processorCpuUs);
            printCpuSplit(threadsBefore, threadCpu(), cpuNanos, cfg.applicationId(), n);

            printThreadRatios(app.httpPort());

            // 3. max.wait flush latency: drain what is pending, then one request per fresh model
            Thread.sleep(maxWaitMs + 500);
            while (!batches.poll(Duration.ofMillis(500)).isEmpty()) {
                // skip the batches of the throughput phase
            }
            Map<String, Long> sentAt = new HashMap<>();
            try (KafkaProducer<byte[], byte[]> producer =
                         new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < latencySamples; i++) {
                    DeletionRequest request = request("wait-" + run + "-" + i, latencyModels.get(i), List.of("w" + i));
                    sentAt.put(latencyModels.get(i), System.nanoTime());
                    producer.send(new ProducerRecord<>(cfg.deletionRequestsTopic(), utf8(request.getRequestId()),
                            serde.serialize(cfg.deletionRequestsTopic(), request))).get();
                    collectLatencies(batches, sentAt, latencies, serdeFor(registry), cfg.batchesTopic(), Duration.ofMillis(150));
                }
            }
            long latencyDeadline = System.nanoTime() + Duration.ofMillis(maxWaitMs * 3 + 5000).toNanos();
            while (latencies.size() < latencySamples && System.nanoTime() < latencyDeadline) {
                collectLatencies(batches, sentAt, latencies, serdeFor(registry), cfg.batchesTopic(), Duration.ofMillis(100));
            }
        }
        Collections.sort(latencies);
        long p50 = percentile(latencies, 0.50);
        long p99 = percentile(latencies, 0.99);
        double ratio = processorRate / producerRate;
        boolean pass = ratio >= 0.35 && p99 <= maxWaitMs + 1000 && latencies.size() == latencySamples;
        String json = String.format(Locale.ROOT, """
                {
                  "timestamp": "%s",
                  "cores": %d,
                  "requests": %d,
                  "warmup_requests": %d,
                  "partitions": %d,
                  "stream_threads": %s,
                  "processing_guarantee": "exactly_once_v2",
                  "producer_rate_per_s": %.0f,
                  "processor_rate_per_s": %.0f,
                  "ratio": %.3f,
                  "cpu_us_per_request": {"producer": %.1f, "processor": %.1f},
                  "max_wait_ms": %d,
                  "flush_latency_ms": {"samples": %d, "p50": %d, "p99": %d, "max": %d},
                  "targets": {"ratio_at_least": 0.35, "p99_at_most_ms": %d},
                  "pass": %s
                }
                """, Instant.now(), Runtime.getRuntime().availableProcessors(), n, warmup, partitions, opts.get("threads"),
                producerRate, processorRate, ratio, producerCpuUs, processorCpuUs, maxWaitMs, latencies.size(), p50, p99,
                latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1), maxWaitMs + 1000, pass);
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
        return cfg;
    }

    /** {@code n} serialized requests for {@code cfg}'s input topic, round-robin over {@code models}. */
    private static List<ProducerRecord<byte[], byte[]>> requests(StreamProcessorConfig cfg,
                                                                 AvroSerde<DeletionRequest> serde, int n,
                                                                 List<String> models) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int base = i * 3;
            DeletionRequest request = request(String.format("bench-%08d", i), models.get(i % models.size()),
                    IntStream.rangeClosed(0, i % 3).mapToObj(j -> "s" + (base + j)).toList());
            records.add(new ProducerRecord<>(cfg.deletionRequestsTopic(), utf8(request.getRequestId()),
                    serde.serialize(cfg.deletionRequestsTopic(), request)));
        }
        return records;
    }

    /** Sends {@code records} with a plain producer; the time from the first send until flush returned. */
    private static long produce(Properties producerProps, List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(records.get(0).topic()); // metadata fetch outside the timed part
            long start = System.nanoTime();
            records.forEach(producer::send);
            producer.flush();
            return System.nanoTime() - start;
        }
    }

    /** Runs a processor over {@code cfg}'s input until {@code n} statuses are committed; the time that took. */
    private static long runProcessor(StreamProcessorConfig cfg, SharedStack stack, int n)
            throws Exception {
        try (StreamProcessorApp app = new StreamProcessorApp(cfg, new RestSchemaRegistryClient(cfg.schemaRegistryUrl()));
             KafkaConsumer<byte[], byte[]> statuses = committedReader(stack.bootstrapServers(), cfg.requestStatusTopic())) {
            return timeUntilStatuses(app, statuses, n);
        }
    }

    /** Starts {@code app}; the time from RUNNING until {@code statuses} has read {@code n} committed records. */
    private static long timeUntilStatuses(StreamProcessorApp app, KafkaConsumer<byte[], byte[]> statuses, int n)
            throws Exception {
        app.start();
        while (app.state() != KafkaStreams.State.RUNNING) {
            Thread.sleep(10);
        }
        long start = System.nanoTime();
        long seen = 0;
        long deadline = start + Duration.ofMinutes(10).toNanos();
        while (seen < n && System.nanoTime() < deadline) {
            seen += statuses.poll(Duration.ofMillis(100)).count();
        }
        long nanos = System.nanoTime() - start;
        if (seen < n) {
            throw new IllegalStateException("only " + seen + " of " + n + " statuses after 10 minutes");
        }
        return nanos;
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
    private record ThreadCpu(String name, long cpuNanos) {
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
     * The JVM's CPU per request split by who spent it: the processor's threads (stream threads and their clients'
     * network threads, named after the application id), the benchmark's main thread (the status reader), the rest
     * of the Java threads (almost all the broker's), and what no Java thread accounts for (GC, JIT, RocksDB).
     */
    private static void printCpuSplit(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after, long processNanos,
                                      String applicationId, int n) {
        Map<String, Long> byGroup = new java.util.TreeMap<>();
        long javaThreads = 0;
        for (Map.Entry<Long, ThreadCpu> thread : after.entrySet()) {
            ThreadCpu was = before.get(thread.getKey());
            long nanos = thread.getValue().cpuNanos() - (was == null ? 0 : was.cpuNanos());
            String name = thread.getValue().name();
            String group = name.contains(applicationId)
                    ? (name.contains("StreamThread") && !name.contains("producer") ? "processor stream threads"
                    : "processor client threads")
                    : name.equals("main") ? "benchmark main" : "broker and other Java threads";
            byGroup.merge(group, nanos, Long::sum);
            javaThreads += nanos;
        }
        byGroup.put("non-Java (GC, JIT, native)", processNanos - javaThreads);
        byGroup.forEach((group, nanos) -> System.out.printf(Locale.ROOT, "  cpu %-30s %6.1f us per request%n",
                group, nanos / 1e3 / n));
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

    private static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap, String topic) {
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
