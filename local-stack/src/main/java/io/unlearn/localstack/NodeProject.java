package io.unlearn.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Node.js package directory of a module's tests ({@code package.json} with its committed
 * {@code package-lock.json}): its locked packages installed with {@code npm ci} on first use, and its scripts run
 * with {@code node}. Integration tests use it to drive real third-party clients (Confluent's serializer, a headless
 * browser) from a JUnit test.
 *
 * <p>Needs {@code node} and {@code npm} on the PATH (README prerequisites); a missing one fails the test with the
 * fix, it is never a silent skip.
 */
public final class NodeProject {

    private static final Duration NPM_CI_TIMEOUT = Duration.ofMinutes(10);

    private final Path dir;

    private NodeProject(Path dir) {
        this.dir = dir;
    }

    /** The calling module's {@code src/test/node} (Maven sets {@code basedir} for surefire and failsafe). */
    public static NodeProject ofTests() {
        return new NodeProject(Path.of(System.getProperty("basedir", "."), "src", "test", "node"));
    }

    /** A package directory elsewhere in the repository, e.g. {@code examples/node}. */
    public static NodeProject at(Path dir) {
        return new NodeProject(dir);
    }

    public Path dir() {
        return dir;
    }

    /**
     * Runs {@code npm ci} unless {@code node_modules/<module>} is already there, so only a fresh checkout pays for
     * the install.
     *
     * @param module a package the scripts need, e.g. {@code playwright-core}
     * @return this project
     */
    public NodeProject installed(String module) {
        if (!Files.isDirectory(dir.resolve("node_modules").resolve(module))) {
            run(NPM_CI_TIMEOUT, List.of("npm", "ci", "--no-audit", "--no-fund"));
        }
        return this;
    }

    /**
     * Runs {@code command} in this directory.
     *
     * @return its standard output
     * @throws LocalStackException when it cannot start (the tool is missing), exits non-zero (with its standard
     *                             error and output) or outlasts {@code timeout}
     */
    public String run(Duration timeout, List<String> command) {
        try {
            // Both streams go to files: a child that fills an unread pipe would block, and reading one stream to
            // its end before waiting would never time out on a child that hangs.
            Path out = Files.createTempFile("node-", ".out");
            Path err = Files.createTempFile("node-", ".err");
            try {
                return run(timeout, command, out, err);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String run(Duration timeout, List<String> command, Path out, Path err) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        } catch (IOException e) {
            throw new LocalStackException("cannot run " + command.get(0) + " (" + e.getMessage() + "); install"
                    + " Node.js 20+ with npm, see README prerequisites", e);
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new LocalStackException(command + " did not finish in " + timeout.toSeconds() + " s; its"
                        + " output so far:\n" + Files.readString(out) + Files.readString(err));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while waiting for " + command, e);
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new LocalStackException(command + " in " + dir + " exited with " + p.exitValue() + ":\n"
                    + Files.readString(err, StandardCharsets.UTF_8) + stdout);
        }
        return stdout;
    }
}
