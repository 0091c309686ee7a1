package io.unlearn.launcher.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The repository's {@code docker-compose.yml} run as one compose project through the {@code docker-compose} and
 * {@code docker} commands, as an operator runs it. Only {@code .env}'s values are overridden (through the
 * environment, which compose prefers to {@code .env}): free host ports, smaller heaps, the registry's token.
 */
final class ComposeProject implements AutoCloseable {

    private final Path repository;
    private final String name;
    private final Map<String, String> environment;

    ComposeProject(Path repository, String name, Map<String, String> environment) {
        this.repository = repository;
        this.name = name;
        this.environment = Map.copyOf(environment);
    }

    /** A port nobody listens on now (the brokers advertise theirs, so they must be known before start). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code docker-compose <args>} in the repository with this project's name and environment; fails on non-zero. */
    String compose(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("docker-compose", "-p", name));
        command.addAll(Arrays.asList(args));
        return run(command, timeout);
    }

    /** {@code docker <args>}; fails on non-zero. */
    String docker(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(Arrays.asList(args));
        return run(command, timeout);
    }

    /** The names of a service's running containers, e.g. {@code <project>_unlearn-worker_1}. */
    List<String> containers(String service) {
        List<String> names = new ArrayList<>();
        for (String id : compose(Duration.ofMinutes(1), "ps", "-q", service).split("\\s+")) {
            if (!id.isBlank()) {
                names.add(docker(Duration.ofMinutes(1), "inspect", "-f", "{{.Name}}", id).strip().replaceFirst("^/",
                        ""));
            }
        }
        return names;
    }

    /** Writes every container's log to {@code file} (for the failure report; best effort). */
    void saveLogs(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, compose(Duration.ofMinutes(2), "logs", "--no-color", "--timestamps"));
        } catch (IOException | RuntimeException e) {
            System.err.println("could not save the compose logs: " + e);
        }
    }

    /** {@code docker-compose down -v}: containers, the project's network and its volumes. */
    @Override
    public void close() {
        compose(Duration.ofMinutes(5), "down", "-v", "--timeout", "20");
    }

    private String run(List<String> command, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(repository.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Path output = Files.createTempFile("compose-", ".out");
            try {
                Process process = builder.redirectOutput(output.toFile()).start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                            + ":\n" + Files.readString(output, StandardCharsets.UTF_8));
                }
                String text = Files.readString(output, StandardCharsets.UTF_8);
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " exited with "
                            + process.exitValue() + ":\n" + text);
                }
                return text;
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }
}
