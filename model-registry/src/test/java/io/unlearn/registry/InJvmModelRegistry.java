package io.unlearn.registry;

import io.unlearn.localstack.SharedStack;
import io.unlearn.schemas.SchemaRegistryClient;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The settings of a real model-registry for integration tests on {@link SharedStack}, its topics named
 * {@code <run><topic>} so that tests sharing the broker do not see each other's records. Published in this
 * module's test-jar for the worker's and verifier's integration tests.
 */
public final class InJvmModelRegistry {

    /** The registry's {@code http.auth.token}: POST /models needs {@code Authorization: Bearer TOKEN}. */
    public static final String TOKEN = "integration-test-registry-token";

    private InJvmModelRegistry() {
    }

    /**
     * @param stack the shared broker and schema registry
     * @param artifactDir where the registry stores artifacts
     * @param run the topic-name prefix of this test run, e.g. {@code it.1a2b3c4d.}
     * @return settings for {@link ModelRegistryConfig#load}, HTTP on an ephemeral port
     */
    public static Map<String, Object> settings(SharedStack stack, Path artifactDir, String run) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ModelRegistryConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        settings.put(ModelRegistryConfig.SCHEMA_REGISTRY_URL_CONFIG, stack.registryUrl());
        settings.put(ModelRegistryConfig.REGISTRY_ID_CONFIG, run + "model-registry");
        settings.put(ModelRegistryConfig.HTTP_PORT_CONFIG, "0");
        settings.put(ModelRegistryConfig.HTTP_AUTH_TOKEN_CONFIG, TOKEN);
        settings.put(ModelRegistryConfig.ARTIFACT_DIR_CONFIG, artifactDir.toString());
        settings.put(ModelRegistryConfig.LINEAGE_TOPIC_CONFIG, run + "lineage");
        settings.put(ModelRegistryConfig.CANDIDATES_TOPIC_CONFIG, run + "candidates");
        settings.put(ModelRegistryConfig.VERIFICATIONS_TOPIC_CONFIG, run + "verifications");
        settings.put(ModelRegistryConfig.REQUEST_STATUS_TOPIC_CONFIG, run + "request-status");
        settings.put(ModelRegistryConfig.TRAINING_MANIFEST_TOPIC_CONFIG, run + "training-manifest");
        settings.put(ModelRegistryConfig.DEAD_LETTER_TOPIC_CONFIG, run + "registry-dead-letter");
        return settings;
    }

    /** Starts a model-registry with {@link #settings}; the caller closes it. */
    public static ModelRegistry start(SharedStack stack, Path artifactDir, String run, SchemaRegistryClient schemas) {
        return ModelRegistry.start(ModelRegistryConfig.load(settings(stack, artifactDir, run)), schemas);
    }
}
