package io.unlearn.kit.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The raw settings of one service: the properties file (if any), overridden by environment variables named
 * {@code <PREFIX><KEY>} with the key upper-cased and dots as underscores ({@code UNLEARN_WORKER_HTTP_PORT=9000}
 * sets {@code http.port}). Each service's config class validates and documents the keys; this class only gathers
 * them, the same way everywhere, so one deployment recipe fits all services.
 */
public final class ServiceSettings {

    private ServiceSettings() {
    }

    /**
     * @param file      a properties file, or null
     * @param env       the environment, usually {@link System#getenv()}
     * @param envPrefix e.g. {@code MODEL_REGISTRY_}
     * @return key to value, values trimmed
     * @throws UncheckedIOException naming the file when it cannot be read
     */
    public static Map<String, String> load(Path file, Map<String, String> env, String envPrefix) {
        Map<String, String> settings = new HashMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the settings file " + file.toAbsolutePath() + ": "
                        + e.getMessage(), e);
            }
            properties.stringPropertyNames().forEach(k -> settings.put(k, properties.getProperty(k).trim()));
        }
        env.forEach((name, value) -> {
            if (name.startsWith(envPrefix) && name.length() > envPrefix.length()) {
                settings.put(name.substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'),
                        value.trim());
            }
        });
        return settings;
    }
}
