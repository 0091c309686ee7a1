package io.unlearn.launcher.docs;

import io.unlearn.registry.ModelRegistryConfig;
import io.unlearn.streamprocessor.StreamProcessorConfig;
import io.unlearn.verifier.VerifierConfig;
import io.unlearn.worker.UnlearnWorkerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Writes {@code docs/config.md} from the four services' {@link ConfigDef}s, so the reference can never drift from
 * the code: the build runs it (launcher's pom, phase {@code process-classes}), so a build leaves the page equal to
 * what the code defines; commit it with the change that altered a setting.
 *
 * <pre>
 * java -cp ... io.unlearn.launcher.docs.ConfigDocs docs/config.md
 * </pre>
 */
public final class ConfigDocs {

    private ConfigDocs() {
    }

    /**
     * @param args the file to write
     * @throws IOException when it cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/config.md");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, markdown(), StandardCharsets.UTF_8);
    }

    /** @return the whole page */
    public static String markdown() {
        Map<String, ConfigDef> services = new LinkedHashMap<>();
        services.put("stream-processor", StreamProcessorConfig.configDef());
        services.put("unlearn-worker", UnlearnWorkerConfig.configDef());
        services.put("verifier", VerifierConfig.configDef());
        services.put("model-registry", ModelRegistryConfig.configDef());
        StringBuilder md = new StringBuilder();
        md.append("# Service settings\n\n")
                .append("Generated from each service's `ConfigDef` by `io.unlearn.launcher.docs.ConfigDocs` during the")
                .append(" build; do not edit by hand. Every service reads its settings file (the first argument) and")
                .append(" then environment variables named after the key with the service's prefix (see")
                .append(" `io.unlearn.kit.config.ServiceSettings`); unknown keys are refused at start-up.\n");
        services.forEach((service, def) -> {
            md.append("\n## ").append(service).append("\n\n")
                    .append("| key | type | default | valid values | importance | description |\n")
                    .append("| --- | --- | --- | --- | --- | --- |\n");
            for (ConfigDef.ConfigKey key : def.sortedConfigs()) {
                md.append("| `").append(key.name).append("` | ").append(key.type.name().toLowerCase())
                        .append(" | ").append(cell(defaultOf(key))).append(" | ")
                        .append(cell(key.validator == null ? "" : key.validator.toString())).append(" | ")
                        .append(key.importance.name().toLowerCase()).append(" | ").append(cell(key.documentation))
                        .append(" |\n");
            }
        });
        return md.toString();
    }

    private static String defaultOf(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        Object value = key.defaultValue;
        String text = value == null ? "null" : ConfigDef.convertToString(value, key.type);
        return text == null || text.isEmpty() ? "\"\"" : "`" + text + "`";
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }
}
