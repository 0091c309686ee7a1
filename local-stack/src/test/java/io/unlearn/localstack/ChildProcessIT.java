package io.unlearn.localstack;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Child-process lifecycle with real processes: stopping, orphan cleanup, and start-up failures. */
class ChildProcessIT {

    @Test
    void shouldKillAChildWhoseParentDiedButLeaveOtherJvmsChildrenAlone() throws Exception {
        // Given a marked child whose PID file names a parent that no longer exists (as after `kill -9` of a test JVM)
        Process deadParent = new ProcessBuilder("true").start();
        deadParent.waitFor(10, TimeUnit.SECONDS);
        Process orphan = sleeper("orphan");
        writePidFile("test-orphan", orphan.pid(), deadParent.pid());
        // and a marked child whose parent (this JVM) is alive
        Process adopted = sleeper("adopted");
        Path adoptedPidFile = writePidFile("test-adopted", adopted.pid(), ProcessHandle.current().pid());

        // When cleanup runs (every ChildProcess.start runs it first)
        ChildProcess.killOrphans();

        // Then only the orphan is gone, and its PID file with it
        assertTrue(orphan.waitFor(20, TimeUnit.SECONDS), "orphan still running");
        assertTrue(adopted.isAlive(), "a child of a live JVM was killed");
        assertTrue(Files.exists(adoptedPidFile));
        adopted.destroyForcibly().waitFor();
        Files.deleteIfExists(adoptedPidFile);
    }

    @Test
    void shouldNeverKillAnUnmarkedProcessThatReusedAPid() throws Exception {
        // Given a PID file (dead parent) pointing at a live process that is not one of ours
        Process stranger = new ProcessBuilder("sleep", "60").start();
        Process deadParent = new ProcessBuilder("true").start();
        deadParent.waitFor(10, TimeUnit.SECONDS);
        writePidFile("test-stranger", stranger.pid(), deadParent.pid());

        // When cleanup runs / Then the stranger survives
        ChildProcess.killOrphans();
        assertTrue(stranger.isAlive());
        stranger.destroyForcibly().waitFor();
    }

    @Test
    void shouldStopTheChildAndRemoveItsPidFileOnClose() throws Exception {
        // Given a started child
        Path dir = Files.createTempDirectory("child-it");
        ChildProcess child = ChildProcess.start("test-close", List.of("bash", "-c", "sleep 60; true",
                ChildProcess.MARKER_ARG + "test"), Map.of(), dir, dir.resolve("log"));
        Path pidFile = ChildProcess.pidDirectory().resolve("test-close-" + child.pid() + ".pid");
        assertTrue(Files.exists(pidFile));

        // When it is closed
        child.close();

        // Then the process is gone and so is its PID file
        assertFalse(child.isAlive());
        assertFalse(Files.exists(pidFile));
    }

    @Test
    void shouldReportAChildThatExitsBeforeItIsReadyWithItsLog() throws Exception {
        // Given a child that prints a reason and exits
        Path dir = Files.createTempDirectory("child-it");
        ChildProcess child = ChildProcess.start("test-dies", List.of("bash", "-c",
                "echo 'port 1234 already in use'; exit 3"), Map.of(), dir, dir.resolve("log"));

        // When waiting for readiness / Then the exit code and the log tail are in the message
        LocalStackException e = assertThrows(LocalStackException.class,
                () -> child.awaitReady(() -> false, Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("exited with code 3") && e.getMessage().contains("port 1234 already in use"),
                e.getMessage());
        child.close();
    }

    /** {@code bash -c "sleep 120; true" <marker>}: the marker is bash's $0, so it shows in the command line. */
    private static Process sleeper(String name) throws Exception {
        return new ProcessBuilder("bash", "-c", "sleep 120; true", ChildProcess.MARKER_ARG + name).start();
    }

    private static Path writePidFile(String role, long child, long parent) throws Exception {
        Path file = ChildProcess.pidDirectory().resolve(role + "-" + child + ".pid");
        Files.writeString(file, child + " " + parent + "\n");
        return file;
    }
}
