package io.unlearn.launcher;

/**
 * The four services the launcher runs, each as its own JVM started with {@code java -cp <launcher classpath>
 * <mainClass> <settings file>}, exactly as a deployment would start them one by one.
 */
public enum Service {

    MODEL_REGISTRY("model-registry", "io.unlearn.registry.ModelRegistryApp", "-Xmx1g"),
    STREAM_PROCESSOR("stream-processor", "io.unlearn.streamprocessor.StreamProcessorApp", "-Xmx1g"),
    UNLEARN_WORKER("unlearn-worker", "io.unlearn.worker.UnlearnWorkerApp", "-Xmx4g"),
    VERIFIER("verifier", "io.unlearn.verifier.VerifierApp", "-Xmx4g");

    private final String role;
    private final String mainClass;
    private final String heap;

    Service(String role, String mainClass, String heap) {
        this.role = role;
        this.mainClass = mainClass;
        this.heap = heap;
    }

    /** The service's name, used for its log file, PID file and consumer group. */
    public String role() {
        return role;
    }

    public String mainClass() {
        return mainClass;
    }

    /** Heap limit: the ML services hold a dataset and several model copies; the others stay small. */
    public String heap() {
        return heap;
    }
}
