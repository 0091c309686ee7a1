package io.unlearn.localstack;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The one Kafka broker and one schema registry of a test JVM, started on first use and stopped when the JVM
 * exits. Every {@code *IT} in every module uses this instead of starting its own, so a module's integration
 * tests pay the start-up cost (about 10 s) once.
 *
 * <p>The broker runs in this JVM ({@link InJvmKafkaBroker}); the registry is an Apicurio child process
 * ({@link ApicurioRegistryProcess}). Both start in parallel. Tests must not assume empty topics: use unique
 * topic names or consumer groups per test.
 *
 * <pre>{@code
 * SharedStack stack = SharedStack.get();
 * stack.createTopics(3, Topics.DELETION_REQUESTS.name());
 * props.put("bootstrap.servers", stack.bootstrapServers());
 * SchemaRegistryClient registry = new RestSchemaRegistryClient(stack.registryUrl());
 * }</pre>
 */
public final class SharedStack {

    private static SharedStack instance;

    private final KafkaBroker broker;
    private final ApicurioRegistryProcess registry;

    private SharedStack(KafkaBroker broker, ApicurioRegistryProcess registry) {
        this.broker = broker;
        this.registry = registry;
    }

    /**
     * The stack of this JVM, starting it on the first call (blocking until both parts are ready).
     *
     * @throws LocalStackException if either part cannot start; the other part is stopped again
     */
    public static synchronized SharedStack get() {
        if (instance == null) {
            instance = startBoth();
        }
        return instance;
    }

    /** {@code host:port} of the broker, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Base URL of the registry's Confluent-compatible API ({@code http://127.0.0.1:<port>/apis/ccompat/v7}). */
    public String registryUrl() {
        return registry.ccompatUrl();
    }

    /** Creates topics with {@code partitions} partitions and replication factor 1; existing topics are kept. */
    public void createTopics(int partitions, String... names) {
        broker.createTopics(partitions, names);
    }

    private static SharedStack startBoth() {
        // The registry is a separate JVM that needs ~7 s; start it while this JVM boots the broker.
        CompletableFuture<ApicurioRegistryProcess> registry =
                CompletableFuture.supplyAsync(ApicurioRegistryProcess::start);
        KafkaBroker broker;
        try {
            broker = InJvmKafkaBroker.start();
        } catch (RuntimeException e) {
            registry.thenAccept(ApicurioRegistryProcess::close);
            throw e;
        }
        ApicurioRegistryProcess started;
        try {
            started = registry.join();
        } catch (CompletionException e) {
            broker.close();
            throw e.getCause() instanceof RuntimeException r ? r
                    : new LocalStackException("cannot start the schema registry: " + e.getCause(), e.getCause());
        }
        // The registry child has its own hook (ChildProcess); the in-JVM broker needs one too.
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "unlearn-stop-shared-broker"));
        return new SharedStack(broker, started);
    }
}
