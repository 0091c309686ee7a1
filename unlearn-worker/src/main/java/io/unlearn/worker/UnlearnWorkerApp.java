package io.unlearn.worker;

import io.unlearn.kit.config.ServiceSettings;
import io.unlearn.kit.config.ClientSecurity;
import io.unlearn.worker.errors.InvalidConfigException;
import io.unlearn.worker.errors.UnlearnWorkerException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the unlearn-worker: consumes unlearning batches and turns each into one candidate model version, exactly
 * once.
 *
 * <p>Run it locally, with a broker on localhost:9092, a schema registry on localhost:8081 and the model-registry on
 * localhost:8082 (the launcher starts all three):
 * <pre>{@code
 * mvn -B -q -pl unlearn-worker -am install -DskipTests
 * mvn -B -q -pl unlearn-worker exec:java -Dexec.mainClass=io.unlearn.worker.UnlearnWorkerApp \
 *     -Dexec.args="unlearn-worker.properties"        # the file is optional
 * curl -s localhost:8083/health; curl -s localhost:8083/metrics
 * }</pre>
 * It reads {@code unlearning.batches} (group {@code unlearn-worker}) and writes {@code unlearning.candidates} and
 * {@code unlearning.request-status}; batches it cannot decode go to {@code unlearning.dead-letter}. Artifacts go to
 * {@code artifact.dir}, shared with the model-registry. Settings come from the optional properties file, then from
 * environment variables {@code UNLEARN_WORKER_<KEY>} (key upper-cased, dots as underscores:
 * {@code UNLEARN_WORKER_HTTP_PORT=9000}); {@code --print-config-docs} prints every setting as an HTML table.
 * Ctrl-C (SIGTERM) stops gracefully: a batch in progress finishes and commits within {@code shutdown.timeout.ms},
 * or is redone on the next start.
 */
public final class UnlearnWorkerApp {

    private static final Logger LOG = LoggerFactory.getLogger(UnlearnWorkerApp.class);
    /** Environment variables with this prefix set settings. */
    public static final String ENV_PREFIX = "UNLEARN_WORKER_";

    private UnlearnWorkerApp() {
    }

    /**
     * @param args {@code [settings.properties]} or {@code --print-config-docs}
     * @throws InterruptedException if interrupted while running
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("--print-config-docs")) {
            System.out.println(UnlearnWorkerConfig.toHtml());
            return;
        }
        UnlearnWorker worker;
        try {
            UnlearnWorkerConfig config = UnlearnWorkerConfig.load(settings(args.length > 0 ? Path.of(args[0]) : null,
                    System.getenv()));
            worker = UnlearnWorker.start(config, ClientSecurity.schemaRegistryClient(config, config.schemaRegistryUrl()));
        } catch (UnlearnWorkerException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Stopping the unlearn-worker");
            worker.close();
        }, "unlearn-worker-shutdown"));
        LOG.info("unlearn-worker running; health and metrics on port {}", worker.httpPort());
        worker.awaitStopped();
        if (worker.failure().isPresent()) {
            LOG.error("The unlearn-worker stopped after a failure: {}", worker.failure().get().toString());
            System.exit(1);
        }
    }

    /** The file's properties (if any), overridden by {@code UNLEARN_WORKER_*} environment variables. */
    static Map<String, Object> settings(Path file, Map<String, String> env) {
        try {
            return new HashMap<>(ServiceSettings.load(file, env, ENV_PREFIX));
        } catch (UncheckedIOException e) {
            throw new InvalidConfigException(List.of(e.getMessage()));
        }
    }
}
