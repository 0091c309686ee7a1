package io.unlearn.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A child JVM (or any program) that belongs to this JVM: started with its output in a log file, registered in a
 * PID file, and stopped when this JVM exits.
 *
 * <p>Why the PID file: a shutdown hook does not run when the parent is killed with SIGKILL (a cancelled CI job,
 * an IDE's stop button), and the orphaned registry or broker then keeps its port and memory forever. Every
 * child writes {@code <role>-<child pid>.pid} holding its own pid and its parent's; the next {@link #start}
 * of any child kills children whose parent is gone. A child whose parent is alive is left alone, because several
 * test JVMs (other modules, other people) run their own stacks on the same machine at the same time.
 *
 * <p>Lifecycle: {@link #start} → {@link #awaitReady} → {@link #close} (idempotent; also run by the shutdown hook).
 */
public final class ChildProcess implements AutoCloseable {

    /** Environment marker put on every child so that orphan cleanup never kills a process that merely reused a pid. */
    static final String MARKER_ARG = "-Dunlearn.localstack.child=";

    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(15);

    private final String role;
    private final Process process;
    private final Path logFile;
    private final Path pidFile;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private ChildProcess(String role, Process process, Path logFile, Path pidFile) {
        this.role = role;
        this.process = process;
        this.logFile = logFile;
        this.pidFile = pidFile;
        this.shutdownHook = new Thread(this::stop, "unlearn-stop-" + role);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts {@code command} in {@code workDir}, its stdout and stderr appended to {@code logFile}.
     *
     * @param role short name used in the PID file and in messages ({@code apicurio}, {@code kafka})
     * @param command the program and its arguments; for a JVM, {@link #javaCommand} adds the orphan marker
     */
    public static ChildProcess start(String role, List<String> command, Map<String, String> env, Path workDir,
                                     Path logFile) {
        killOrphans();
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new LocalStackException("cannot start " + role + " (" + String.join(" ", command) + "): "
                    + e.getMessage() + "; is the program on the PATH?", e);
        }
        Path pidFile = pidDirectory().resolve(role + "-" + process.pid() + ".pid");
        try {
            Files.writeString(pidFile, process.pid() + " " + ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            process.destroyForcibly();
            throw new LocalStackException("cannot write PID file " + pidFile + ": " + e.getMessage(), e);
        }
        return new ChildProcess(role, process, logFile, pidFile);
    }

    /** {@code java <marker> <jvmArgs...>} with the java binary of this JVM, so the child runs on the same JDK. */
    public static List<String> javaCommand(String role, List<String> jvmArgs) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(MARKER_ARG + role);
        command.addAll(jvmArgs);
        return command;
    }

    /**
     * Polls {@code ready} until it returns true; fails early if the child exits, and after {@code timeout}
     * with the tail of the child's log in the message.
     */
    public void awaitReady(BooleanSupplier ready, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            if (!process.isAlive()) {
                close();
                throw new LocalStackException(role + " exited with code " + process.exitValue()
                        + " before it became ready; log " + logFile + ":\n" + logTail());
            }
            if (ready.getAsBoolean()) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                close();
                throw new LocalStackException(role + " was not ready after " + timeout.toSeconds()
                        + " s (a slow or overloaded machine? raise the timeout); log " + logFile + ":\n" + logTail());
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new LocalStackException("interrupted while waiting for " + role, e);
            }
        }
    }

    /** Runs a short-lived command to completion (e.g. formatting storage); fails with its output on a non-zero exit. */
    public static void runToCompletion(String role, List<String> command, Path workDir, Path logFile,
                                       Duration timeout) {
        try {
            Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new LocalStackException(role + " did not finish within " + timeout.toSeconds() + " s; log "
                        + logFile + ":\n" + tail(logFile));
            }
            if (p.exitValue() != 0) {
                throw new LocalStackException(role + " failed with exit code " + p.exitValue() + "; log " + logFile
                        + ":\n" + tail(logFile));
            }
        } catch (IOException e) {
            throw new LocalStackException("cannot run " + role + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while running " + role, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** The last lines of the child's log, for error messages. */
    public String logTail() {
        return tail(logFile);
    }

    /** Stops the child: SIGTERM, up to 15 s for a clean exit, then SIGKILL. Idempotent. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; nothing left to unregister.
        }
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        process.destroy();
        try {
            if (!process.waitFor(GRACEFUL_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(GRACEFUL_STOP.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // A stale PID file is harmless: cleanup checks that its child is still ours before killing.
        }
    }

    /** Directory of PID files: {@code unlearn.localstack.dir} (default {@code ~/.cache/unlearn}) + {@code /pids}. */
    static Path pidDirectory() {
        Path dir = LocalStackDirs.cacheDir().resolve("pids");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new LocalStackException("cannot create the PID directory " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /** Kills children whose parent JVM no longer exists. Returns how many it killed. */
    static synchronized int killOrphans() {
        int killed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pidDirectory(), "*.pid")) {
            for (Path file : files) {
                killed += killIfOrphan(file) ? 1 : 0;
            }
        } catch (IOException e) {
            // Cleanup is best effort: failing to list old PID files must not stop a new stack from starting.
        }
        return killed;
    }

    private static boolean killIfOrphan(Path file) {
        long childPid;
        long parentPid;
        try {
            String[] parts = Files.readString(file, StandardCharsets.UTF_8).trim().split("\\s+");
            childPid = Long.parseLong(parts[0]);
            parentPid = Long.parseLong(parts[1]);
        } catch (IOException | RuntimeException unreadable) {
            deleteQuietly(file);
            return false;
        }
        if (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        Optional<ProcessHandle> child = ProcessHandle.of(childPid).filter(ProcessHandle::isAlive);
        boolean ours = child.flatMap(h -> h.info().commandLine()).map(c -> c.contains(MARKER_ARG)).orElse(false);
        if (ours) {
            ProcessHandle handle = child.get();
            handle.destroy();
            try {
                handle.onExit().get(GRACEFUL_STOP.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception notYet) {
                handle.destroyForcibly();
            }
        }
        deleteQuietly(file);
        return ours;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Another JVM cleaned it up first.
        }
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
