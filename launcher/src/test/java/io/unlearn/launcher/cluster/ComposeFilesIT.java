package io.unlearn.launcher.cluster;

import io.unlearn.kit.config.ServiceSettings;
import io.unlearn.localstack.LocalImages;
import io.unlearn.localstack.RequiresImages;
import io.unlearn.registry.ModelRegistryConfig;
import io.unlearn.streamprocessor.StreamProcessorConfig;
import io.unlearn.verifier.VerifierConfig;
import io.unlearn.worker.UnlearnWorkerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compose files as {@code docker-compose config} merges them, checked against the services' own settings; no
 * container starts. {@link ComposeClusterIT} runs them.
 */
@RequiresImages(LocalImages.UNLEARN_WORKER)
class ComposeFilesIT {

    private final ComposeProject compose = new ComposeProject(Path.of("").toAbsolutePath().getParent(),
            "unlearnconfig", Map.of("UNLEARN_REGISTRY_TOKEN", "compose-files-it-token"));

    @Test
    void everyServiceSettingInTheComposeFilesIsOneTheServiceKnows() {
        // the GPU override cannot run here (no GPU): it must at least merge, reserve GPUs for the workers and keep
        // their image, and no file may set a key the service would reject at start
        String merged = compose.compose(Duration.ofMinutes(1), "-f", "docker-compose.yml", "-f",
                "docker-compose.gpu.yml", "config");
        Map<String, Map<String, String>> environments = environments(merged);
        Map<String, Map.Entry<String, ConfigDef>> services = Map.of(
                "model-registry", Map.entry("MODEL_REGISTRY_", ModelRegistryConfig.configDef()),
                "stream-processor", Map.entry("STREAM_PROCESSOR_", StreamProcessorConfig.configDef()),
                "unlearn-worker", Map.entry("UNLEARN_WORKER_", UnlearnWorkerConfig.configDef()),
                "verifier", Map.entry("VERIFIER_", VerifierConfig.configDef()));
        services.forEach((service, config) -> {
            Map<String, String> settings = ServiceSettings.load(null, environments.get(service),
                    config.getKey());
            assertFalse(settings.isEmpty(), service + " has no settings in " + environments.keySet());
            settings.keySet().forEach(key -> assertTrue(config.getValue().names().contains(key),
                    () -> service + " is given '" + key + "', which it does not know"));
        });
        String worker = merged.substring(merged.indexOf("\n  unlearn-worker:"), merged.indexOf("\n  verifier:"));
        assertTrue(worker.contains("driver: nvidia") && worker.contains("- gpu"), worker);
        String image = worker.replaceAll("(?s).*\n    image: (\\S+).*", "$1");
        assertTrue(image.startsWith("unlearn/unlearn-worker:"), worker);
        compose.docker(Duration.ofMinutes(1), "image", "inspect", image); // fails when bin/images did not tag it
    }

    /** Each service's {@code environment:} of a {@code docker-compose config} output (two-space indented YAML). */
    private static Map<String, Map<String, String>> environments(String config) {
        Map<String, Map<String, String>> environments = new HashMap<>();
        String service = null;
        boolean inEnvironment = false;
        for (String line : config.split("\n")) {
            if (line.matches("  [a-z0-9-]+:")) {
                service = line.strip().replace(":", "");
                inEnvironment = false;
            } else if (line.startsWith("    ")) {
                if (!line.startsWith("     ")) {
                    inEnvironment = line.equals("    environment:");
                } else if (inEnvironment && service != null && line.matches("      [A-Z0-9_]+: .*")) {
                    int colon = line.indexOf(':');
                    environments.computeIfAbsent(service, s -> new HashMap<>())
                            .put(line.substring(6, colon), line.substring(colon + 1).strip());
                }
            } else {
                service = line.equals("services:") ? null : service;
                inEnvironment = false;
            }
        }
        return environments;
    }
}
