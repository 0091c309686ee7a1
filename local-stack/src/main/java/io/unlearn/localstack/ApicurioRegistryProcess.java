package io.unlearn.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Apicurio Registry (in-memory storage) running as a child JVM on 127.0.0.1, serving the Confluent-compatible
 * API at {@link #ccompatUrl()}.
 *
 * <p>The registry ships as the Maven Central artifact {@code io.apicurio:apicurio-registry-app:<version>:all:tar.gz}
 * (about 140 MB); the local-stack POM declares it, so any Maven build of this module puts it in the local
 * repository. It is found at {@code -Dunlearn.apicurio.archive} if set, else in the local repository
 * ({@code -Dmaven.repo.local}, default {@code ~/.m2/repository}), and unpacked once into
 * {@code ~/.cache/unlearn/apicurio-registry-<version>/}.
 *
 * <p>Start-up takes about 7 s on two cores. Note Apicurio's global compatibility rule is NONE (Confluent's is
 * BACKWARD): set a subject's rule explicitly when a test depends on it.
 */
public final class ApicurioRegistryProcess implements AutoCloseable {

    /** System property naming the registry tarball explicitly (skips the local-repository lookup). */
    public static final String ARCHIVE_PROPERTY = "unlearn.apicurio.archive";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final ChildProcess child;
    private final int port;

    private ApicurioRegistryProcess(ChildProcess child, int port) {
        this.child = child;
        this.port = port;
    }

    /** Starts the registry on a free port and returns once its ccompat API answers. */
    public static ApicurioRegistryProcess start() {
        return start(0);
    }

    /**
     * Starts the registry on {@code requestedPort} of 127.0.0.1 (0: a free port) and returns once its ccompat API
     * answers. The launcher passes a fixed port so that services can use a configured registry URL.
     */
    public static ApicurioRegistryProcess start(int requestedPort) {
        String version = LocalStackDirs.version("apicurio.version");
        Path home = unpackedHome(version);
        Path runner = runnerJar(home);
        int port = requestedPort == 0 ? LocalStackDirs.freePort() : requestedPort;
        Path runDir = LocalStackDirs.runDir("apicurio");
        List<String> command = ChildProcess.javaCommand("apicurio",
                List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", runner.toString()));
        Map<String, String> env = Map.of(
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                // Without this Quarkus also opens a management port, which could collide between parallel stacks.
                "QUARKUS_MANAGEMENT_ENABLED", "false");
        ChildProcess child = ChildProcess.start("apicurio", command, env, runDir, runDir.resolve("apicurio.log"));
        ApicurioRegistryProcess registry = new ApicurioRegistryProcess(child, port);
        child.awaitReady(registry::answers, READY_TIMEOUT);
        return registry;
    }

    /** Base URL of the Confluent-compatible API, e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7}. */
    public String ccompatUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    public int port() {
        return port;
    }

    public long pid() {
        return child.pid();
    }

    public Path logFile() {
        return child.logFile();
    }

    @Override
    public void close() {
        child.close();
    }

    private boolean answers() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        try {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()
                    .send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The tarball's location: the explicit property, else the Maven local repository. */
    static Path archive(String version) {
        String explicit = System.getProperty(ARCHIVE_PROPERTY);
        if (explicit != null) {
            Path path = Path.of(explicit);
            if (!Files.isRegularFile(path)) {
                throw new LocalStackException("-D" + ARCHIVE_PROPERTY + "=" + explicit + " is not a file; point it at "
                        + "apicurio-registry-app-" + version + "-all.tar.gz or unset it to use the Maven repository");
            }
            return path;
        }
        String repo = System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        Path path = Path.of(repo, "io", "apicurio", "apicurio-registry-app", version,
                "apicurio-registry-app-" + version + "-all.tar.gz");
        if (!Files.isRegularFile(path)) {
            throw new LocalStackException("Apicurio Registry archive not found at " + path + "; run `mvn -B -pl "
                    + "local-stack -am install -DskipTests` (it downloads the archive from Maven Central) or set -D"
                    + ARCHIVE_PROPERTY + "=<path to the tar.gz>");
        }
        return path;
    }

    /**
     * Unpacks the archive once. Unpacking goes to a temporary sibling directory that is then renamed, so two JVMs
     * starting at once never see a half-unpacked tree: the loser of the rename discards its copy.
     */
    static Path unpackedHome(String version) {
        Path home = LocalStackDirs.cacheDir().resolve("apicurio-registry-" + version);
        if (Files.isDirectory(home)) {
            return home;
        }
        Path archive = archive(version);
        Path staging;
        try {
            staging = Files.createTempDirectory(LocalStackDirs.cacheDir(), "apicurio-unpacking-");
        } catch (IOException e) {
            throw new LocalStackException("cannot create a staging directory in " + LocalStackDirs.cacheDir(), e);
        }
        // The JDK has no tar reader; tar(1) is present on every machine that runs this project (Linux, macOS).
        ChildProcess.runToCompletion("tar", List.of("tar", "-xzf", archive.toString(), "-C", staging.toString()),
                staging, staging.resolveSibling(staging.getFileName() + ".log"), Duration.ofMinutes(5));
        try {
            Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            deleteTree(staging);
        } catch (IOException e) {
            if (!Files.isDirectory(home)) {
                throw new LocalStackException("cannot move unpacked registry to " + home + ": " + e.getMessage(), e);
            }
            deleteTree(staging);
        }
        try {
            Files.deleteIfExists(staging.resolveSibling(staging.getFileName() + ".log"));
        } catch (IOException ignored) {
            // Only a log of a successful tar run.
        }
        return home;
    }

    private static Path runnerJar(Path home) {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(home, "apicurio-registry-app-*-runner.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        } catch (IOException e) {
            throw new LocalStackException("cannot list " + home + ": " + e.getMessage(), e);
        }
        throw new LocalStackException("no apicurio-registry-app-*-runner.jar in " + home
                + "; the unpacked tree is damaged: delete that directory and start again");
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Leftover staging directories only cost disk space.
        }
    }
}
