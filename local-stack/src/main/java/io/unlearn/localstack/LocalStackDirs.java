package io.unlearn.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Where the local stack keeps its files, which ports it takes and which versions it runs. */
final class LocalStackDirs {

    /** System property overriding the cache directory (unpacked registry, PID files). */
    static final String CACHE_DIR_PROPERTY = "unlearn.localstack.dir";

    private LocalStackDirs() {
    }

    /** {@code -Dunlearn.localstack.dir}, else {@code ~/.cache/unlearn}: outside {@code target/} so a clean build does not unpack 140 MB again. */
    static Path cacheDir() {
        String configured = System.getProperty(CACHE_DIR_PROPERTY);
        Path dir = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "unlearn");
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new LocalStackException("cannot create the local-stack directory " + dir + ": " + e.getMessage()
                    + "; set -D" + CACHE_DIR_PROPERTY + " to a writable directory", e);
        }
    }

    /** A fresh temporary directory for one run of one child (logs, data), deleted by nobody: it is small. */
    static Path runDir(String role) {
        try {
            return Files.createTempDirectory("unlearn-" + role + "-");
        } catch (IOException e) {
            throw new LocalStackException("cannot create a temporary directory for " + role + " in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage() + "; is the disk full?", e);
        }
    }

    /**
     * A port that was free on 127.0.0.1 a moment ago. Another process may take it before the child binds it;
     * the child then fails to start with "address already in use" in its log, which the caller reports.
     */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new LocalStackException("no free TCP port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /** A version from {@code local-stack.properties}, which Maven fills in from the parent POM. */
    static String version(String key) {
        Properties props = new Properties();
        try (InputStream in = LocalStackDirs.class.getResourceAsStream("local-stack.properties")) {
            if (in == null) {
                throw new LocalStackException("local-stack.properties is missing from the classpath; rebuild local-stack");
            }
            props.load(in);
        } catch (IOException e) {
            throw new LocalStackException("cannot read local-stack.properties: " + e.getMessage(), e);
        }
        String value = props.getProperty(key);
        if (value == null || value.startsWith("${")) {
            throw new LocalStackException("local-stack.properties has no resolved " + key + " (found " + value
                    + "); build local-stack with Maven so resource filtering runs");
        }
        return value;
    }
}
