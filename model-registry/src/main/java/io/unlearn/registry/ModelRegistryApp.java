package io.unlearn.registry;

import io.unlearn.registry.errors.ModelRegistryException;
import io.unlearn.kit.config.ClientSecurity;
import io.unlearn.kit.config.ServiceSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the model registry: the lineage log's only writer, and the REST API over models, versions, aliases and
 * deletion requests.
 *
 * <p>Run it locally (a broker on localhost:9092 and a Confluent-compatible schema registry on localhost:8081,
 * e.g. the launcher's or local-stack's):
 * <pre>{@code
 * mvn -B -q -pl model-registry -am install -DskipTests
 * mvn -B -q -pl model-registry exec:java -Dexec.mainClass=io.unlearn.registry.ModelRegistryApp \
 *     -Dexec.args="registry.properties"        # the file is optional
 * }</pre>
 * Settings come from the optional properties file, then from environment variables {@code MODEL_REGISTRY_<KEY>}
 * (key upper-cased, dots as underscores: {@code MODEL_REGISTRY_HTTP_PORT=9000}); it needs
 * {@code MODEL_REGISTRY_HTTP_AUTH_TOKEN} (or {@code http.auth.token}), the bearer token of {@code POST /models},
 * or an explicit {@code http.auth.disabled=true}; to issue signed deletion receipts it needs a key
 * ({@code openssl genpkey -algorithm ed25519 -out receipt-key.pem}, then
 * {@code MODEL_REGISTRY_RECEIPT_SIGNING_KEY_FILE=receipt-key.pem}); {@code --print-config-docs}
 * prints every setting as an HTML table. It creates missing topics ({@code unlearning.lineage} with
 * {@code retention.ms=-1}, {@code unlearning.training-manifest} compacted, {@code unlearning.candidates},
 * {@code unlearning.verifications}, {@code unlearning.request-status}, {@code unlearning.dead-letter}), replays
 * the lineage, then serves {@code http://127.0.0.1:8082/}. Try:
 * <pre>{@code
 * curl -s localhost:8082/models
 * curl -s -XPOST localhost:8082/models -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
 *     -d @base-model.json                                        # body: see RegistrationParser
 * curl -s localhost:8082/requests/r-42
 * curl -s localhost:8082/requests/r-42/receipt                  # signed; 409 until a model excludes r-42
 * curl -s localhost:8082/lineage/verify
 * }</pre>
 */
public final class ModelRegistryApp {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistryApp.class);
    static final String ENV_PREFIX = "MODEL_REGISTRY_";

    private ModelRegistryApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("--print-config-docs")) {
            System.out.println(ModelRegistryConfig.toHtml());
            return;
        }
        ModelRegistryConfig config;
        try {
            config = ModelRegistryConfig.load(settings(args.length > 0 ? Path.of(args[0]) : null, System.getenv()));
        } catch (ModelRegistryException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        ModelRegistry registry = ModelRegistry.start(config,
                ClientSecurity.schemaRegistryClient(config, config.schemaRegistryUrl()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Stopping the model registry");
            registry.close();
            stopped.countDown();
        }, "model-registry-shutdown"));
        stopped.await();
    }

    /** The file's properties (if any), overridden by {@code MODEL_REGISTRY_*} environment variables. */
    static Map<String, Object> settings(Path file, Map<String, String> env) {
        try {
            return new HashMap<>(ServiceSettings.load(file, env, ENV_PREFIX));
        } catch (UncheckedIOException e) {
            throw new ModelRegistryException(e.getMessage());
        }
    }
}
