package io.unlearn.localstack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A single-node KRaft Kafka broker (broker and controller roles in one process) running as a child JVM on
 * 127.0.0.1, for the demo and the launcher, where the broker should outlive no test and share no heap with
 * the services.
 *
 * <p>The child runs {@code kafka.Kafka} from this JVM's classpath (the {@code kafka_2.13} jar and its
 * dependencies), so nothing beyond the Maven build is installed. Storage is formatted first with
 * {@code kafka.tools.StorageTool format}, as {@code bin/kafka-storage.sh} does, in a fresh temporary directory.
 */
public final class KafkaBrokerProcess implements KafkaBroker {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final ChildProcess child;
    private final int port;
    private final Path dataDir;

    private KafkaBrokerProcess(ChildProcess child, int port, Path dataDir) {
        this.child = child;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** Starts a broker on a free port; see {@link #start(int)}. */
    public static KafkaBrokerProcess start() {
        return start(0);
    }

    /**
     * Writes {@code server.properties}, formats storage, starts the broker with its client listener on
     * {@code requestedPort} of 127.0.0.1 (0: a free port) and waits until it answers. The controller listener always
     * takes a free port.
     */
    public static KafkaBrokerProcess start(int requestedPort) {
        Path runDir = LocalStackDirs.runDir("kafka");
        int port = requestedPort == 0 ? LocalStackDirs.freePort() : requestedPort;
        int controllerPort = LocalStackDirs.freePort();
        Path config = runDir.resolve("server.properties");
        Path dataDir = runDir.resolve("data");
        writeConfig(config, dataDir, port, controllerPort);
        Path log = runDir.resolve("kafka.log");
        String classpath = System.getProperty("java.class.path");
        ChildProcess.runToCompletion("kafka-storage-format",
                ChildProcess.javaCommand("kafka-storage-format", List.of("-cp", classpath, "kafka.tools.StorageTool",
                        "format", "--cluster-id", Uuid.randomUuid().toString(), "--config", config.toString())),
                runDir, log, Duration.ofMinutes(2));
        ChildProcess child = ChildProcess.start("kafka", ChildProcess.javaCommand("kafka",
                        List.of("-Xmx512m", "-cp", classpath, "kafka.Kafka", config.toString())),
                Map.of(), runDir, log);
        KafkaBrokerProcess broker = new KafkaBrokerProcess(child, port, dataDir);
        child.awaitReady(broker::answers, READY_TIMEOUT);
        return broker;
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public long pid() {
        return child.pid();
    }

    public Path logFile() {
        return child.logFile();
    }

    /** Stops the broker and deletes its data; the log file stays for a post-mortem. */
    @Override
    public void close() {
        child.close();
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // Already gone, or a file is held open: a leftover temporary directory loses nothing.
        }
    }

    private boolean answers() {
        // A plain connect first: an Admin client against a closed port logs a warning every few milliseconds.
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        } catch (IOException notListening) {
            return false;
        }
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000))) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception notYet) {
            if (notYet instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    private static void writeConfig(Path file, Path dataDir, int port, int controllerPort) {
        Properties props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", "1");
        props.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("inter.broker.listener.name", "PLAINTEXT");
        props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.setProperty("log.dirs", dataDir.toString());
        props.setProperty("num.partitions", "1");
        BrokerSettings.singleNode().forEach(props::setProperty);
        try (var out = Files.newBufferedWriter(file)) {
            props.store(out, "generated by io.unlearn.localstack.KafkaBrokerProcess");
        } catch (IOException e) {
            throw new LocalStackException("cannot write broker configuration " + file + ": " + e.getMessage(), e);
        }
    }
}
