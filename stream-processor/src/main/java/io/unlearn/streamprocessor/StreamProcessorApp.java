package io.unlearn.streamprocessor;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.kit.config.ServiceSettings;
import io.unlearn.kit.observability.ServiceEndpoint;
import io.unlearn.kit.config.ClientSecurity;
import io.unlearn.streamprocessor.catalog.ManifestModelCatalog;
import io.unlearn.streamprocessor.internals.DeadLetterProductionExceptionHandler;
import io.unlearn.streamprocessor.observability.StreamProcessorMetrics;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The stream-processor service: reads deletion requests, writes unlearning batches and request statuses,
 * exactly once. Serves {@code /health} and {@code /metrics} (Prometheus) on {@code http.host:http.port}.
 *
 * <h2>Run it locally</h2>
 * With a broker on {@code localhost:9092} and Apicurio on {@code localhost:8081} (both started by the launcher),
 * create the topics once, then start the service:
 * <pre>
 * kafka-topics.sh --bootstrap-server localhost:9092 --create --partitions 3 --topic unlearning.deletion-requests
 * kafka-topics.sh --bootstrap-server localhost:9092 --create --partitions 3 --topic unlearning.training-manifest \
 *     --config cleanup.policy=compact
 * kafka-topics.sh --bootstrap-server localhost:9092 --create --partitions 3 --topic unlearning.batches
 * kafka-topics.sh --bootstrap-server localhost:9092 --create --partitions 3 --topic unlearning.request-status
 * kafka-topics.sh --bootstrap-server localhost:9092 --create --partitions 1 --topic unlearning.dead-letter
 *
 * mvn -B -q -pl stream-processor -am install -DskipTests
 * mvn -B -q -pl stream-processor exec:java -Dexec.mainClass=io.unlearn.streamprocessor.StreamProcessorApp \
 *     -Dexec.args=stream-processor.properties    # the file is optional
 * curl localhost:8090/health; curl localhost:8090/metrics
 * </pre>
 * Settings come from the optional properties file named by the first argument, then from environment variables
 * {@code STREAM_PROCESSOR_<KEY>} ({@code STREAM_PROCESSOR_BATCH_MAX_WAIT_MS=5000} sets {@code batch.max.wait.ms});
 * the keys are documented in {@link StreamProcessorConfig}. Ctrl-C (SIGTERM) shuts down gracefully: the stream
 * threads commit their transaction and close within {@code shutdown.timeout.ms}.
 */
public final class StreamProcessorApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamProcessorApp.class);
    /** Environment variables with this prefix set config keys: rest lower-cased, {@code _} becomes {@code .}. */
    public static final String ENV_PREFIX = "STREAM_PROCESSOR_";

    private final StreamProcessorConfig cfg;
    private final SchemaRegistryClient registry;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final KafkaStreams streams;
    /**
     * Kafka Streams' own metrics ({@code kafka_stream_*}, names unchanged). A field because the gauges it binds use
     * the binder itself as their state object, which Micrometer holds only weakly.
     */
    private final KafkaStreamsMetrics streamsMetrics;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private ServiceEndpoint endpoint;

    public StreamProcessorApp(StreamProcessorConfig cfg, SchemaRegistryClient registry) {
        this.cfg = cfg;
        this.registry = registry;
        StreamProcessorMetrics metrics = new StreamProcessorMetrics(meters);
        Properties props = cfg.streamsProperties();
        props.put(DeadLetterProductionExceptionHandler.METRICS_CONFIG, metrics);
        this.streams = new KafkaStreams(StreamProcessorTopology.build(cfg, registry,
                new ManifestModelCatalog(cfg.knownModels()), metrics), props);
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
    }

    public static void main(String[] args) throws Exception {
        StreamProcessorConfig cfg = StreamProcessorConfig.from(settings(args.length > 0 ? Path.of(args[0]) : null,
                System.getenv()));
        StreamProcessorApp app = new StreamProcessorApp(cfg,
                ClientSecurity.schemaRegistryClient(cfg, cfg.schemaRegistryUrl()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "stream-processor-shutdown"));
        app.start();
        app.stopped.await();
        if (app.streams.state() == KafkaStreams.State.ERROR) {
            System.exit(1);
        }
    }

    /** The settings from {@code file} (if not null), overridden by {@code STREAM_PROCESSOR_*} variables of {@code env}. */
    static Map<String, String> settings(Path file, Map<String, String> env) {
        return ServiceSettings.load(file, env, ENV_PREFIX);
    }

    /** Starts the stream threads and the HTTP endpoint. */
    public void start() throws IOException {
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("stream thread failed; shutting the stream-processor down", error);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("stream-processor state {} -> {}", before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        streamsMetrics.bindTo(meters);
        endpoint = ServiceEndpoint.start(cfg.httpHost(), cfg.httpPort(), meters::scrape,
                () -> new ServiceEndpoint.Health(streams.state().isRunningOrRebalancing(), streams.state().name()));
        streams.start();
        LOG.info("stream-processor {} started: {} -> {}, {}; /health and /metrics on {}:{}", cfg.applicationId(),
                cfg.deletionRequestsTopic(), cfg.batchesTopic(), cfg.requestStatusTopic(), cfg.httpHost(),
                endpoint.port());
    }

    /** The state of the stream threads. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The port of the HTTP endpoint, once started. */
    public int httpPort() {
        return endpoint.port();
    }

    /** Graceful shutdown: commits and closes the stream threads (bounded by {@code shutdown.timeout.ms}), then the rest. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // the shutdown hook and a caller may both close
        }
        if (!streams.close(cfg.shutdownTimeout())) {
            LOG.warn("stream threads did not close within {}; the next start recovers from the changelogs",
                    cfg.shutdownTimeout());
        }
        if (endpoint != null) {
            endpoint.close();
        }
        registry.close();
        streamsMetrics.close();
        meters.close();
        stopped.countDown();
    }
}
