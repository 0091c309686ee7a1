package io.unlearn.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.kit.receipts.ReceiptKey;
import io.unlearn.kit.receipts.ReceiptKeys;
import io.unlearn.registry.errors.ModelRegistryException;
import io.unlearn.registry.errors.RegistryUnavailableException;
import io.unlearn.registry.http.BearerAuth;
import io.unlearn.registry.http.Registrar;
import io.unlearn.registry.http.RegistryHttpServer;
import io.unlearn.registry.receipts.ReceiptIssuer;
import io.unlearn.registry.kafka.LineageWriter;
import io.unlearn.registry.kafka.RegistryTopics;
import io.unlearn.registry.kafka.StateReader;
import io.unlearn.kit.lineage.LineageVerifier;
import io.unlearn.registry.recording.LineageRecorder;
import io.unlearn.registry.registration.BaseModelRegistration;
import io.unlearn.registry.registration.RegistrationParser;
import io.unlearn.registry.state.RegistryState;
import io.unlearn.registry.observability.ModelRegistryMetrics;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.v1.LineageEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One running model registry: the artifact store, the state rebuilt from the lineage log, the exactly-once
 * lineage writer and the REST API, started in that order and closed in reverse.
 *
 * <p>Start-up: create missing topics; register the writer's transactional id (which aborts a predecessor's open
 * transaction, so the replay is not held back by it); replay the lineage, request-status and training-manifest
 * topics into the state; then consume candidates and verifications and serve HTTP.
 */
public final class ModelRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final RegistryState state;
    private final DirectoryArtifactStore artifacts;
    private final PrometheusMeterRegistry meters;
    private final RegistryHttpServer http;

    private ModelRegistry(ModelRegistryConfig config, SchemaRegistryClient schemas) throws IOException {
        ObjectMapper json = new ObjectMapper();
        artifacts = new DirectoryArtifactStore(config.artifactDir());
        meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        toClose.add(meters::close);
        state = new RegistryState(json);
        // Micrometer holds a gauge's state object weakly: state is this registry's field, so it lives as long as
        // the registry does
        Gauge.builder(ModelRegistryMetrics.MODELS, state, RegistryState::modelCount)
                .description("Registered models").register(meters);
        Gauge.builder(ModelRegistryMetrics.VERSIONS, state, RegistryState::versionCount)
                .description("Recorded versions, bases included").register(meters);

        try {
            http = startServices(config, schemas, json);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private RegistryHttpServer startServices(ModelRegistryConfig config, SchemaRegistryClient schemas,
                                             ObjectMapper json) {
        ReceiptIssuer receipts = receiptIssuer(config); // a bad key fails start-up before any network call
        RegistryTopics.ensure(config);
        StateReader reader = new StateReader(config, schemas, state, meters);
        toClose.add(reader);
        LineageWriter writer = new LineageWriter(config, schemas, state, reader,
                new LineageRecorder(json, Clock.systemUTC()), meters);
        toClose.add(writer);
        writer.initTransactions();
        reader.start();
        reader.awaitCaughtUp(config.startupTimeout());
        writer.start();

        Registrar registrar = registration -> register(registration, writer, config);
        if (config.httpAuthDisabled()) {
            LOG.warn("{}=true: anyone who reaches {}:{} can register models, whose artifacts the worker and verifier"
                    + " load as code", ModelRegistryConfig.HTTP_AUTH_DISABLED_CONFIG, config.httpHost(),
                    config.httpPort());
        }
        RegistryHttpServer server = new RegistryHttpServer(config.httpHost(), config.httpPort(), state,
                new RegistrationParser(json, config.artifactMaxBytes()), registrar, new LineageVerifier(artifacts),
                meters, meters::scrape, () -> healthProblems(reader, writer), json, config.artifactMaxBytes(),
                config.httpAuthToken().map(token -> BearerAuth.token(token, config.httpAuthReads()))
                        .orElseGet(BearerAuth::disabled), receipts);
        toClose.add(server);
        server.start();
        return server;
    }

    private ReceiptIssuer receiptIssuer(ModelRegistryConfig config) {
        Optional<Path> file = config.receiptSigningKeyFile();
        if (file.isEmpty()) {
            String why = ModelRegistryConfig.RECEIPT_SIGNING_KEY_FILE_CONFIG + " is not set: this registry issues no"
                    + " deletion receipts (set it to an Ed25519 private key in PKCS#8 PEM and restart)";
            LOG.warn("{}; GET /requests/{id}/receipt and GET /receipt-key answer 503", why);
            return ReceiptIssuer.disabled(why);
        }
        try {
            ReceiptKey key = ReceiptKeys.load(file.get());
            LOG.info("Signing deletion receipts with Ed25519 key {} from {}", key.keyId(), file.get());
            return ReceiptIssuer.signingWith(key, state, Clock.systemUTC());
        } catch (IOException e) {
            throw new ModelRegistryException("cannot read the receipt key " + file.get() + " ("
                    + ModelRegistryConfig.RECEIPT_SIGNING_KEY_FILE_CONFIG + "): " + e, e);
        }
    }

    /**
     * Starts a registry; returns once its state has caught up with the lineage log and the REST API serves.
     *
     * @throws ModelRegistryException if the broker or the artifact directory cannot be reached; whatever had
     *                                started is closed again
     */
    public static ModelRegistry start(ModelRegistryConfig config, SchemaRegistryClient schemas) {
        try {
            return new ModelRegistry(config, schemas);
        } catch (IOException e) {
            throw new ModelRegistryException("cannot open the artifact store at " + config.artifactDir() + " ("
                    + ModelRegistryConfig.ARTIFACT_DIR_CONFIG + "): " + e, e);
        }
    }

    private List<LineageEvent> register(BaseModelRegistration registration, LineageWriter writer,
                                        ModelRegistryConfig config) {
        String digest;
        try {
            digest = artifacts.put(new ByteArrayInputStream(registration.artifact()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the artifact of " + registration.modelId() + " under "
                    + artifacts.root(), e);
        }
        try {
            return writer.register(registration, digest).get(config.registrationTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ModelRegistryException known ? known
                    : new RegistryUnavailableException("registration of " + registration.modelId() + " failed: "
                    + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new RegistryUnavailableException("registration of " + registration.modelId() + " was not"
                    + " committed within " + config.registrationTimeout().toMillis() + " ms; it may still be recorded,"
                    + " check GET /models/" + registration.modelId(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while registering " + registration.modelId(), e);
        }
    }

    private static List<String> healthProblems(StateReader reader, LineageWriter writer) {
        List<String> problems = new ArrayList<>();
        if (reader.failure() != null) {
            problems.add("state reader stopped: " + reader.failure());
        }
        if (writer.failure() != null) {
            problems.add("lineage writer stopped: " + writer.failure());
        }
        return problems;
    }

    /** The port the REST API listens on. */
    public int httpPort() {
        return http.port();
    }

    /** The queryable state (for tests and embedding). */
    public RegistryState state() {
        return state;
    }

    @Override
    public void close() {
        List<AutoCloseable> reversed = new ArrayList<>(toClose);
        Collections.reverse(reversed);
        for (AutoCloseable c : reversed) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("Error while closing {}", c, e);
            }
        }
    }
}
