package io.unlearn.launcher.docs;

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
        // The launcher depends on the services at run time only (it starts them as processes), so their config
        // classes are looked up by name rather than compiled against.
        Map<String, ConfigDef> services = new LinkedHashMap<>();
        services.put("stream-processor", configDef("io.unlearn.streamprocessor.StreamProcessorConfig"));
        services.put("unlearn-worker", configDef("io.unlearn.worker.UnlearnWorkerConfig"));
        services.put("verifier", configDef("io.unlearn.verifier.VerifierConfig"));
        services.put("model-registry", configDef("io.unlearn.registry.ModelRegistryConfig"));
        ConfigDef security = configDef("io.unlearn.kit.config.ClientSecurity");
        StringBuilder md = new StringBuilder();
        md.append("# Service settings\n\n")
                .append("Generated from each service's `ConfigDef` by `io.unlearn.launcher.docs.ConfigDocs` during the")
                .append(" build; do not edit by hand. Every service reads its settings file (the first argument) and")
                .append(" then environment variables named after the key with the service's prefix (see")
                .append(" `io.unlearn.kit.config.ServiceSettings`); unknown keys are refused at start-up.\n");
        services.forEach((service, def) -> {
            md.append("\n## ").append(service).append("\n\n");
            if (def.names().containsAll(security.names())) {
                md.append("Also every key of [Security settings](#security-settings-every-service).\n\n");
            }
            table(md, def, key -> !security.names().contains(key.name));
        });
        md.append("\n## Security settings (every service)\n\n")
                .append("Defined once in `io.unlearn.kit.config.ClientSecurity` and accepted by every service. The")
                .append(" Kafka keys (`security.protocol`, `sasl.*`, `ssl.*`; Kafka's own definitions) that are set")
                .append(" go to every Kafka client of the service: consumers, producers, the admin client and Kafka")
                .append(" Streams; a `consumer.`/`producer.` prefixed key still wins for its client. The")
                .append(" `schema.registry.*` keys configure the schema-registry client. Passwords are never")
                .append(" logged.\n\n");
        table(md, security, key -> true);
        return md.toString();
    }

    private static void table(StringBuilder md, ConfigDef def, java.util.function.Predicate<ConfigDef.ConfigKey> keep) {
        md.append("| key | type | default | valid values | importance | description |\n")
                .append("| --- | --- | --- | --- | --- | --- |\n");
        for (ConfigDef.ConfigKey key : new java.util.TreeMap<>(def.configKeys()).values()) {
            if (keep.test(key)) {
                md.append("| `").append(key.name).append("` | ").append(key.type.name().toLowerCase())
                        .append(" | ").append(cell(defaultOf(key))).append(" | ")
                        .append(cell(validValues(key))).append(" | ")
                        .append(key.importance.name().toLowerCase()).append(" | ").append(cell(key.documentation))
                        .append(" |\n");
            }
        }
    }

    /** A class's static {@code configDef()}: each service's config class, and the shared security keys. */
    private static ConfigDef configDef(String configClass) {
        try {
            return (ConfigDef) Class.forName(configClass).getMethod("configDef").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the settings of " + configClass + "; is its service on the"
                    + " class path?", e);
        }
    }

    /** A validator written as a lambda has no readable text; its rule is then in the description. */
    private static String validValues(ConfigDef.ConfigKey key) {
        String text = key.validator == null ? "" : key.validator.toString();
        return text.contains("$$Lambda") ? "see description" : text;
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
