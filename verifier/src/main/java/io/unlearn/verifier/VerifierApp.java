package io.unlearn.verifier;

import io.unlearn.kit.config.ServiceSettings;
import io.unlearn.verifier.errors.InvalidConfigException;
import io.unlearn.verifier.errors.VerifierException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the verifier: consumes candidate versions, measures each against its parent (and a retrained reference when
 * the policy names a gap metric), publishes the verdict, the requests' statuses and, after a failure, the batch's
 * next attempt, exactly once.
 *
 * <p>Run it locally, with a broker on localhost:9092, a schema registry on localhost:8081 and the model-registry on
 * localhost:8082 (the launcher starts all three):
 * <pre>{@code
 * mvn -B -q -pl verifier -am install -DskipTests
 * mvn -B -q -pl verifier exec:java -Dexec.mainClass=io.unlearn.verifier.VerifierApp \
 *     -Dexec.args="verifier.properties"        # the file is optional
 * curl -s localhost:8084/health; curl -s localhost:8084/metrics
 * }</pre>
 * It reads {@code unlearning.candidates} (group {@code verifier}) and writes {@code unlearning.verifications},
 * {@code unlearning.request-status} and {@code unlearning.batches}; undecodable candidates go to
 * {@code unlearning.dead-letter}. Settings come from the optional properties file, then from environment variables
 * {@code VERIFIER_<KEY>} (key upper-cased, dots as underscores: {@code VERIFIER_HTTP_PORT=9000});
 * {@code --print-config-docs} prints every setting as an HTML table. Ctrl-C (SIGTERM) stops gracefully: a
 * verification in progress finishes and commits within {@code shutdown.timeout.ms}, or is redone on the next start.
 */
public final class VerifierApp {

    private static final Logger LOG = LoggerFactory.getLogger(VerifierApp.class);
    /** Environment variables with this prefix set settings. */
    public static final String ENV_PREFIX = "VERIFIER_";

    private VerifierApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("--print-config-docs")) {
            System.out.println(VerifierConfig.toHtml());
            return;
        }
        VerifierConfig config;
        try {
            config = VerifierConfig.load(settings(args.length > 0 ? Path.of(args[0]) : null, System.getenv()));
        } catch (VerifierException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Verifier verifier = Verifier.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Stopping the verifier");
            verifier.close();
        }, "verifier-shutdown"));
        verifier.awaitStopped();
        if (verifier.failure() != null) {
            LOG.error("The verifier stopped after a failure: {}", verifier.failure().toString());
            System.exit(1);
        }
    }

    /** The file's properties (if any), overridden by {@code VERIFIER_*} environment variables. */
    static Map<String, Object> settings(Path file, Map<String, String> env) {
        try {
            return new HashMap<>(ServiceSettings.load(file, env, ENV_PREFIX));
        } catch (UncheckedIOException e) {
            throw new InvalidConfigException(java.util.List.of(e.getMessage()));
        }
    }
}
