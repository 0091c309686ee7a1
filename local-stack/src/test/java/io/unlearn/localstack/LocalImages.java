package io.unlearn.localstack;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

import com.github.dockerjava.api.command.InspectContainerResponse;

import java.time.Duration;
import java.util.Optional;


/**
 * The images {@code bin/images} builds from this repository, for the Testcontainers tests. Nothing is pulled: a test
 * that needs an image which is not there, or a Docker engine which does not answer, is skipped with the reason
 * ({@link RequiresImages}).
 * Ryuk and the start-up checks pull images of their own, so the build turns them off
 * ({@code TESTCONTAINERS_RYUK_DISABLED}, {@code TESTCONTAINERS_CHECKS_DISABLE}) and each test stops its containers.
 */
public final class LocalImages {

    public static final String KAFKA = "unlearn/kafka:latest";
    public static final String APICURIO = "unlearn/apicurio:latest";
    public static final String MODEL_REGISTRY = "unlearn/model-registry:latest";
    public static final String STREAM_PROCESSOR = "unlearn/stream-processor:latest";
    public static final String UNLEARN_WORKER = "unlearn/unlearn-worker:latest";
    public static final String VERIFIER = "unlearn/verifier:latest";

    private LocalImages() {
    }

    /** Why containers of these images cannot run here (no Docker engine, an image not built), or empty. */
    public static Optional<String> unavailable(String... images) {
        try {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return Optional.of("no Docker engine answers (bin/test installs and starts one; or start dockerd)");
            }
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("no Docker engine answers (" + e + ")");
        }
        for (String image : images) {
            try {
                DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            } catch (RuntimeException e) {
                return Optional.of("image " + image + " is not built; run bin/images (nothing is pulled)");
            }
        }
        return Optional.empty();
    }

    /**
     * A node of {@code unlearn/kafka}. With {@code external} it also serves clients outside Docker: the start script
     * waits until the mapped port is known and advertises it (as Testcontainers' own KafkaContainer does).
     */
    static final class KafkaNode extends GenericContainer<KafkaNode> {

        private static final String ADVERTISE_FILE = "/tmp/advertise.env";
        private final boolean external;

        KafkaNode(boolean external) {
            super(DockerImageName.parse(KAFKA));
            this.external = external;
            if (external) {
                withExposedPorts(19092);
                withEnv("KAFKA_WAIT_FOR_FILE", ADVERTISE_FILE);
            }
            // The log line rather than the image's health check: that starts a JVM per probe, which on a loaded
            // machine can take longer than the probe's timeout.
            waitingFor(Wait.forLogMessage(".*Kafka Server started.*\\n", 1).withStartupTimeout(Duration.ofMinutes(5)));
        }

        @Override
        protected void containerIsStarting(InspectContainerResponse containerInfo) {
            if (external) {
                copyFileToContainer(Transferable.of("KAFKA_EXTERNAL_ADVERTISED=" + getHost() + ":"
                        + getMappedPort(19092) + "\n"), ADVERTISE_FILE);
            }
        }

        /** Bootstrap servers for clients outside Docker (only with {@code external}). */
        String externalBootstrapServers() {
            return getHost() + ":" + getMappedPort(19092);
        }
    }
}
