package io.unlearn.verifier;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.kit.modelregistry.ModelRegistryClient;
import io.unlearn.kit.observability.ServiceEndpoint;
import io.unlearn.kit.processing.Output;
import io.unlearn.kit.processing.TaskOutcome;
import io.unlearn.kit.processing.TransactionalTaskLoop;
import io.unlearn.kit.config.ClientSecurity;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.verifier.errors.VerifierException;
import io.unlearn.verifier.escalation.Escalation;
import io.unlearn.verifier.escalation.VerifierOutput;
import io.unlearn.verifier.evaluation.CandidateEvaluation;
import io.unlearn.verifier.evaluation.DatasetCache;
import io.unlearn.verifier.observability.VerifierMetrics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running verifier: the consumer loop over candidates (the shared {@link TransactionalTaskLoop}: a verification
 * runs on its own thread while the loop keeps polling, and its outputs commit with the candidate's offset in one
 * transaction) and the /health and /metrics endpoint.
 *
 * <p>Per candidate, in one transaction: the {@code VerificationResult} (key model id) to the verifications topic,
 * one {@code RequestStatus} per request (key request id) to the request-status topic and, after a failure that a
 * stronger attempt may fix, the batch's next attempt (key model id) to the batches topic.
 */
public final class Verifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

    private final VerifierConfig config;
    private final SchemaRegistryClient schemas;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final VerifierMetrics metrics = new VerifierMetrics(meters);
    private final CandidateVerification verification;
    private final TransactionalTaskLoop<CandidateVersion> loop;
    private final ServiceEndpoint endpoint;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String waitingFor;

    private Verifier(VerifierConfig config, SchemaRegistryClient schemas) throws IOException {
        this.config = config;
        this.schemas = schemas;
        DirectoryArtifactStore artifacts = new DirectoryArtifactStore(config.artifactDir());
        ModelRegistryClient registry = new ModelRegistryClient(config.modelRegistryUrl(), config.modelRegistryToken());
        this.verification = new CandidateVerification(registry::model, new CandidateEvaluation(artifacts,
                new DatasetCache(), config.evaluationSettings(), config.referenceRecipe()),
                new Escalation(Clock.systemUTC()));

        Map<String, Object> consumerCommon = new HashMap<>(config.consumerOverrides());
        consumerCommon.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        Map<String, Object> producerCommon = new HashMap<>(config.producerOverrides());
        producerCommon.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        TransactionalTaskLoop.Settings settings = new TransactionalTaskLoop.Settings("verifier",
                config.candidatesTopic(), config.deadLetterTopic(), config.pollTimeout(), config.retryBackoff(),
                config.shutdownTimeout(), config.taskTimeout(), config.taskRetryTimeout());
        this.loop = new TransactionalTaskLoop<>(
                new KafkaConsumer<>(TransactionalTaskLoop.consumerConfig(consumerCommon, config.verifierId(),
                        transactionalId(config))),
                new KafkaProducer<>(TransactionalTaskLoop.producerConfig(producerCommon, transactionalId(config))),
                schemas, CandidateVersion.class, settings, new TransactionalTaskLoop.Task<>() {
                    @Override
                    public TaskOutcome run(CandidateVersion candidate, String source) {
                        return verify(candidate, source);
                    }

                    @Override
                    public List<Output> onFailure(CandidateVersion candidate, String source, Throwable error) {
                        return outputs(verification.abandoned(candidate, error));
                    }
                });
        metrics.bindLoop(loop);
        try {
            this.endpoint = ServiceEndpoint.start(config.httpHost(), config.httpPort(), meters::scrape, () -> {
                List<String> now = problems();
                return new ServiceEndpoint.Health(now.isEmpty(), String.join("\n", now));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a verifier with a schema-registry client for {@code schema.registry.url}.
     *
     * @throws VerifierException when the artifact directory cannot be opened or the HTTP port cannot be bound
     */
    public static Verifier start(VerifierConfig config) {
        return start(config, ClientSecurity.schemaRegistryClient(config, config.schemaRegistryUrl()));
    }

    /** Starts a verifier that uses {@code schemas} (closed with the verifier). */
    public static Verifier start(VerifierConfig config, SchemaRegistryClient schemas) {
        Verifier verifier;
        try {
            verifier = new Verifier(config, schemas);
        } catch (IOException e) {
            throw new VerifierException("cannot open the artifact store at " + config.artifactDir() + " ("
                    + VerifierConfig.ARTIFACT_DIR_CONFIG + "): " + e, e);
        }
        verifier.loop.start();
        LOG.info("Verifier {} started: {} -> {}, {}, {}; model-registry {}; artifacts {}; /health and /metrics on"
                        + " port {}", config.verifierId(), config.candidatesTopic(), config.verificationsTopic(),
                config.requestStatusTopic(), config.batchesTopic(), config.modelRegistryUrl(), config.artifactDir(),
                verifier.httpPort());
        return verifier;
    }

    /** The transactional id: stable per host and verifier id, so a restarted instance fences its predecessor. */
    private static String transactionalId(VerifierConfig config) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return config.verifierId() + "-" + host;
    }

    private TaskOutcome verify(CandidateVersion candidate, String source) {
        long start = System.nanoTime();
        CandidateVerification.Step step = verification.verify(candidate);
        if (step instanceof CandidateVerification.Step.RetryLater later) {
            waitingFor = later.why();
            metrics.deferred();
            LOG.warn("Candidate {} from {} waits {} ms: {}", candidate.getVersionId(), source,
                    config.retryBackoff().toMillis(), later.why());
            return TaskOutcome.retryLater(config.retryBackoff(), later.why());
        }
        waitingFor = null;
        VerifierOutput output = ((CandidateVerification.Step.Publish) step).output();
        metrics.verified(Duration.ofNanos(System.nanoTime() - start));
        metrics.published(output);
        return TaskOutcome.publish(outputs(output));
    }

    private List<Output> outputs(VerifierOutput output) {
        List<Output> out = new ArrayList<>();
        output.result().ifPresent(r -> out.add(new Output(config.verificationsTopic(), r.getModelId(), r)));
        for (RequestStatus status : output.statuses()) {
            out.add(new Output(config.requestStatusTopic(), status.getRequestId(), status));
        }
        output.retry().ifPresent(b -> out.add(new Output(config.batchesTopic(), b.getModelId(), b)));
        return out;
    }

    private List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!loop.isRunning()) {
            problems.add("the candidate loop is not running" + loop.failure().map(f -> ": " + f).orElse(""));
        }
        loop.stuck().ifPresent(problems::add);
        String waiting = waitingFor;
        if (waiting != null) {
            problems.add("waiting: " + waiting);
        }
        return problems;
    }

    /** The port of the /health and /metrics endpoint. */
    public int httpPort() {
        return endpoint.port();
    }

    /** Why the loop stopped on its own, or null. */
    public Throwable failure() {
        return loop.failure().orElse(null);
    }

    /** Blocks until the loop has stopped (a failure or {@link #close()}). */
    public void awaitStopped() throws InterruptedException {
        while (!loop.awaitStopped(Duration.ofSeconds(1))) {
            if (stopped.getCount() == 0) {
                return;
            }
        }
    }

    /**
     * Graceful shutdown: a running verification may finish and commit within {@code shutdown.timeout.ms}, then the
     * clients and the endpoint close.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // the shutdown hook and a caller may both close
        }
        loop.close();
        endpoint.close();
        try {
            schemas.close();
        } catch (Exception e) {
            LOG.warn("Error while closing the schema-registry client", e);
        }
        meters.close();
        stopped.countDown();
    }
}
