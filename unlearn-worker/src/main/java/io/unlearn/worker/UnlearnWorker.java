package io.unlearn.worker;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.kit.modelregistry.ModelRegistryClient;
import io.unlearn.kit.observability.ServiceEndpoint;
import io.unlearn.kit.processing.TransactionalTaskLoop;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.unlearning.spi.Unlearning;
import io.unlearn.worker.errors.UnlearnWorkerException;
import io.unlearn.worker.observability.UnlearnWorkerMetrics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;

/**
 * A running unlearn-worker: the consumer loop over the batches topic running {@link BatchUnlearning}, plus the
 * health and metrics endpoint. {@link #start} wires and starts everything; {@link #close} stops gracefully.
 */
public final class UnlearnWorker implements AutoCloseable {

    private static final Duration STARTUP_READ_TIMEOUT = Duration.ofMinutes(1);

    private final TransactionalTaskLoop<UnlearningBatch> loop;
    private final ServiceEndpoint endpoint;

    private UnlearnWorker(TransactionalTaskLoop<UnlearningBatch> loop, ServiceEndpoint endpoint) {
        this.loop = loop;
        this.endpoint = endpoint;
    }

    /**
     * Starts a worker.
     *
     * @param config the checked configuration
     * @param schemas the schema registry client the serdes use
     * @return the running worker
     * @throws UnlearnWorkerException when the artifact directory or the HTTP port cannot be used
     */
    public static UnlearnWorker start(UnlearnWorkerConfig config, SchemaRegistryClient schemas) {
        DirectoryArtifactStore artifacts;
        try {
            artifacts = new DirectoryArtifactStore(config.artifactDir());
        } catch (IOException e) {
            throw new UnlearnWorkerException("cannot use artifact.dir=" + config.artifactDir() + ": " + e, e);
        }
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        UnlearnWorkerMetrics metrics = new UnlearnWorkerMetrics(prometheus);
        ModelRegistryClient registry = new ModelRegistryClient(config.modelRegistryUrl(), config.modelRegistryToken());
        BatchUnlearning job = new BatchUnlearning(registry::model, artifacts, Unlearning::dataset,
                new BatchUnlearning.Settings(config.candidatesTopic(), config.requestStatusTopic(),
                        config.verdictPoll(), config.retryBackoff()), metrics, Clock.systemUTC());

        Map<String, Object> consumerCommon = new HashMap<>(config.consumerOverrides());
        consumerCommon.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        Map<String, Object> producerCommon = new HashMap<>(config.producerOverrides());
        producerCommon.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        try {
            CommittedCandidates.lastPerModel(consumerCommon, config.candidatesTopic(),
                    new AvroSerde<>(CandidateVersion.class, schemas).deserializer(), STARTUP_READ_TIMEOUT)
                    .values().forEach(job::resumeAfter);
        } catch (KafkaException e) {
            throw new UnlearnWorkerException("cannot read the committed candidates on " + config.candidatesTopic()
                    + " at " + config.bootstrapServers() + ": " + e, e);
        }
        TransactionalTaskLoop.Settings loopSettings = new TransactionalTaskLoop.Settings("unlearn-worker",
                config.batchesTopic(), config.deadLetterTopic(), config.pollTimeout(), config.retryBackoff(),
                config.shutdownTimeout(), config.taskTimeout(), config.taskRetryTimeout());
        TransactionalTaskLoop<UnlearningBatch> loop = new TransactionalTaskLoop<>(
                new KafkaConsumer<>(TransactionalTaskLoop.consumerConfig(consumerCommon, config.workerId(),
                        config.transactionalId())),
                new KafkaProducer<>(TransactionalTaskLoop.producerConfig(producerCommon, config.transactionalId())),
                schemas, UnlearningBatch.class, loopSettings, job);
        metrics.bindLoop(loop);

        ServiceEndpoint endpoint;
        try {
            endpoint = ServiceEndpoint.start(config.httpHost(), config.httpPort(), prometheus::scrape, () -> health(loop));
        } catch (IOException e) {
            loop.close();
            throw new UnlearnWorkerException("cannot serve /health on " + config.httpHost() + ":" + config.httpPort()
                    + " (" + e.getMessage() + "); set http.port to a free port, or 0", e);
        }
        loop.start();
        return new UnlearnWorker(loop, endpoint);
    }

    private static ServiceEndpoint.Health health(TransactionalTaskLoop<UnlearningBatch> loop) {
        Optional<Throwable> failure = loop.failure();
        if (failure.isPresent()) {
            return new ServiceEndpoint.Health(false, "stopped after a failure: " + failure.get());
        }
        Optional<String> stuck = loop.stuck();
        if (stuck.isPresent()) {
            return new ServiceEndpoint.Health(false, stuck.get());
        }
        TransactionalTaskLoop.Stats s = loop.stats();
        String counts = "committed=" + s.committed() + " retries=" + s.retries() + " deadLetters=" + s.deadLettered()
                + " aborted=" + s.aborted() + " timedOut=" + s.timedOut();
        return loop.isRunning() ? new ServiceEndpoint.Health(true, counts)
                : new ServiceEndpoint.Health(false, "stopped; " + counts);
    }

    /** @return the port of GET /health and GET /metrics */
    public int httpPort() {
        return endpoint.port();
    }

    /** @return why the worker stopped on its own, if it did */
    public Optional<Throwable> failure() {
        return loop.failure();
    }

    /**
     * Blocks until the worker has stopped (after {@link #close()} or a failure).
     *
     * @throws InterruptedException if interrupted
     */
    public void awaitStopped() throws InterruptedException {
        while (!loop.awaitStopped(Duration.ofSeconds(60))) {
            // keep waiting; the loop stops on close() or on a fatal failure
        }
    }

    /** Stops gracefully: a running batch may finish and commit within {@code shutdown.timeout.ms}. */
    @Override
    public void close() {
        loop.close();
        endpoint.close();
    }
}
