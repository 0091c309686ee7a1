package io.unlearn.launcher;

import io.unlearn.kit.receipts.ReceiptKey;
import io.unlearn.kit.receipts.ReceiptKeys;
import io.unlearn.localstack.ChildProcess;
import io.unlearn.localstack.LocalStackException;
import io.unlearn.schemas.Topic;
import io.unlearn.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

/**
 * The four services running against one broker and one schema registry, each in its own JVM with its own settings
 * file and log under the work directory. Topics are created up front with the partitioning DESIGN.md gives (keyed
 * topics 3 partitions, the training manifest compacted, the lineage kept forever), so no service depends on another
 * having started first.
 *
 * <p>Closing stops the services in reverse order (gracefully, then forcibly after 15 s); each child also has a PID
 * file, so a killed launcher leaves no orphan behind at the next start.
 */
public final class LocalDeployment implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalDeployment.class);
    private static final int PARTITIONS = 3;

    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private final Path workDir;
    private final Path artifactDir;
    private final Map<Service, Integer> ports = new EnumMap<>(Service.class);
    private final Map<Service, ChildProcess> processes = new EnumMap<>(Service.class);
    /** The model-registry's {@code http.auth.token}, new for every deployment. */
    private final String registryToken = newToken();
    /** The model-registry's receipt key (receipt.signing.key.file), kept across runs in the work directory. */
    private final Path receiptKeyFile;

    private LocalDeployment(String bootstrapServers, String schemaRegistryUrl, Path workDir) {
        this.bootstrapServers = bootstrapServers;
        this.schemaRegistryUrl = schemaRegistryUrl;
        this.workDir = workDir;
        this.artifactDir = workDir.resolve("artifacts");
        this.receiptKeyFile = workDir.resolve("receipt-key.pem");
    }

    /**
     * Creates the topics and starts every service, waiting until each answers {@code /health}.
     *
     * @param overrides extra settings per service (e.g. a shorter {@code batch.max.wait.ms} for tests)
     */
    public static LocalDeployment start(String bootstrapServers, String schemaRegistryUrl, Path workDir,
                                        Map<Service, Map<String, String>> overrides, Duration startupTimeout) {
        LocalDeployment deployment = new LocalDeployment(bootstrapServers, schemaRegistryUrl, workDir);
        try {
            Files.createDirectories(workDir.resolve("logs"));
            Files.createDirectories(deployment.artifactDir);
            deployment.prepareReceiptKey();
            deployment.createTopics();
            for (Service service : Service.values()) {
                deployment.startService(service, overrides.getOrDefault(service, Map.of()), startupTimeout);
            }
            return deployment;
        } catch (IOException e) {
            deployment.close();
            throw new UncheckedIOException("cannot prepare the work directory " + workDir, e);
        } catch (RuntimeException e) {
            deployment.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String schemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    /** The model-registry's REST API, e.g. {@code http://127.0.0.1:41234}. */
    public String modelRegistryUrl() {
        return url(Service.MODEL_REGISTRY);
    }

    /** The bearer token {@code POST /models} needs (the registry's {@code http.auth.token}). */
    public String modelRegistryToken() {
        return registryToken;
    }

    /**
     * Makes the registry's receipt key on the first run and keeps it, so receipts of earlier runs still verify; its
     * public key is written beside it for {@code unlearn receipt --verify --public-key}.
     */
    private void prepareReceiptKey() throws IOException {
        ReceiptKey key = Files.exists(receiptKeyFile) ? ReceiptKeys.load(receiptKeyFile)
                : ReceiptKeys.generate(receiptKeyFile);
        Files.writeString(receiptPublicKeyFile(), ReceiptKeys.publicKeyPem(key.publicKey()));
        LOG.info("model-registry signs receipts with key {} ({}; public key {})", key.keyId(), receiptKeyFile,
                receiptPublicKeyFile());
    }

    /** The public key of the registry's receipt key (PEM), for {@code unlearn receipt --verify --public-key}. */
    public Path receiptPublicKeyFile() {
        return workDir.resolve("receipt-public.pem");
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The base URL of a service's HTTP endpoint ({@code /health}, {@code /metrics}). */
    public String url(Service service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    /** Where settings, logs and the receipt key live. */
    public Path workDir() {
        return workDir;
    }

    public Path artifactDir() {
        return artifactDir;
    }

    public Path logFile(Service service) {
        return workDir.resolve("logs").resolve(service.role() + ".log");
    }

    /** Kills a service the hard way (SIGKILL), as a crash would. */
    public void kill(Service service) {
        ChildProcess process = processes.remove(service);
        if (process != null) {
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
            process.close();
        }
    }

    /** Starts a stopped or killed service again with the same settings and port. */
    public void restart(Service service, Duration startupTimeout) {
        kill(service);
        startService(service, null, startupTimeout);
    }

    private void createTopics() {
        List<NewTopic> topics = new ArrayList<>();
        for (Topic<?> topic : Topics.ALL) {
            NewTopic t = new NewTopic(topic.name(), PARTITIONS, (short) 1);
            if (topic.equals(Topics.TRAINING_MANIFEST) || topic.equals(Topics.MODELS)) {
                t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            } else if (topic.equals(Topics.LINEAGE)) {
                t.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
            }
            topics.add(t);
        }
        topics.add(new NewTopic(Topics.DEAD_LETTER, 1, (short) 1));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            for (NewTopic topic : topics) {
                try {
                    admin.createTopics(List.of(topic)).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new LocalStackException("cannot create topic " + topic.name() + " on "
                                + bootstrapServers + ": " + e.getCause(), e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while creating topics", e);
        }
    }

    private void startService(Service service, Map<String, String> overrides, Duration startupTimeout) {
        Path settingsFile = settingsFile(service);
        if (overrides != null) {
            ports.put(service, freePort());
            Properties settings = new Properties();
            settings.putAll(defaults(service));
            settings.putAll(overrides);
            try (Writer out = Files.newBufferedWriter(settingsFile)) {
                ownerOnly(settingsFile); // the registry's file holds its token
                settings.store(out, service.role() + " settings written by the launcher");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + settingsFile, e);
            }
        }
        List<String> jvm = List.of(service.heap(), "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn",
                "-cp", System.getProperty("java.class.path"), service.mainClass(), settingsFile.toString());
        Map<String, String> env = new HashMap<>();
        // glibc returning freed tensor memory to the OS on every step made training ~3.5x slower here.
        env.put("MALLOC_MMAP_THRESHOLD_", "4294967296");
        env.put("MALLOC_TRIM_THRESHOLD_", "4294967296");
        LOG.info("Starting {} (log {})", service.role(), logFile(service));
        ChildProcess process = ChildProcess.start(service.role(), ChildProcess.javaCommand(service.role(), jvm), env,
                workDir, logFile(service));
        processes.put(service, process);
        String health = url(service) + "/health";
        process.awaitReady(() -> answers200(health), startupTimeout);
        LOG.info("{} is up at {}", service.role(), url(service));
    }

    private Map<String, String> defaults(Service service) {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", bootstrapServers);
        s.put("schema.registry.url", schemaRegistryUrl);
        s.put("http.port", Integer.toString(ports.get(service)));
        switch (service) {
            case MODEL_REGISTRY -> {
                s.put("artifact.dir", artifactDir.toString());
                s.put("topic.replication.factor", "1");
                s.put("http.auth.token", registryToken);
                s.put("receipt.signing.key.file", receiptKeyFile.toString());
            }
            case STREAM_PROCESSOR -> {
                s.put("state.dir", workDir.resolve("stream-processor-state").toString());
                s.put("replication.factor", "1");
            }
            case UNLEARN_WORKER, VERIFIER -> {
                s.put("artifact.dir", artifactDir.toString());
                s.put("model.registry.url", modelRegistryUrl());
                s.put("model.registry.auth.token", registryToken);
            }
        }
        return s;
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            LOG.debug("{} keeps its default permissions (no POSIX file system)", file);
        }
    }

    /** The settings file of a service, e.g. the registry's, which holds its {@code http.auth.token}. */
    public Path settingsFile(Service service) {
        return workDir.resolve(service.role() + ".properties");
    }

    private static boolean answers200(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    @Override
    public void close() {
        List<Service> order = new ArrayList<>(processes.keySet());
        java.util.Collections.reverse(order);
        for (Service service : order) {
            LOG.info("Stopping {}", service.role());
            processes.remove(service).close();
        }
    }
}
