package io.unlearn.unlearning.internal.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Generates the TorchScript fixtures by running {@code src/test/resources/torchscript/make_tiny_cnn.py} with
 * Debian's {@code /usr/bin/python3} (package {@code python3-torch}, installed by {@code .ci/run}); no binary fixture is
 * checked in. Tests that need it are skipped, saying why, when that Python cannot import torch.
 */
public final class TorchScriptFixture {

    /** Debian's interpreter: {@code python3-torch} installs for it, not for a pyenv or venv python3 on the PATH. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");
    /** The side of the probe images {@code probe.txt} is computed for. */
    public static final int PROBE_SIDE = 12;

    private static Boolean torchAvailable;

    /** What the generator wrote. */
    public record Fixtures(Path tinyCnn, Path logitsOnly, Path modeProbe, Path batchNorm, Path probe) {

        /**
         * @param name {@code z} or {@code logits}
         * @return the values PyTorch computed for the probe batch, row-major
         */
        public float[] expected(String name) throws IOException {
            for (String line : Files.readAllLines(probe, StandardCharsets.UTF_8)) {
                String[] parts = line.trim().split(" ");
                if (parts[0].equals(name)) {
                    float[] v = new float[parts.length - 1];
                    for (int i = 1; i < parts.length; i++) {
                        v[i - 1] = Float.parseFloat(parts[i]);
                    }
                    return v;
                }
            }
            throw new IllegalStateException("no line '" + name + "' in " + probe);
        }
    }

    private TorchScriptFixture() {
    }

    /** @return whether {@code /usr/bin/python3 -c "import torch"} succeeds (checked once per JVM) */
    public static synchronized boolean torchAvailable() {
        if (torchAvailable == null) {
            torchAvailable = run(List.of(PYTHON.toString(), "-c", "import torch"), 120).exitCode == 0;
        }
        return torchAvailable;
    }

    /**
     * Skips the calling test unless {@link #torchAvailable()}. Call it in {@code @BeforeEach}: an assumption that
     * fails in {@code @BeforeAll} makes Surefire report no test at all rather than skipped ones with this reason.
     */
    public static void assumeTorch() {
        Assumptions.assumeTrue(torchAvailable(), "skipped: " + PYTHON + " cannot import torch; install Debian's"
                + " python3-torch (apt-get install -y --no-install-recommends python3-torch, as .ci/run does) to run"
                + " the TorchScript tests");
    }

    /**
     * Writes the fixtures into a directory (skipping the caller when torch is missing).
     *
     * @param dir an empty directory
     * @param classes the number of classes of the logits
     * @param seed the seed of the initial parameters
     * @return the files
     */
    public static Fixtures generate(Path dir, int classes, long seed) throws IOException {
        assumeTorch();
        Path script = dir.resolve("make_tiny_cnn.py");
        try (InputStream in = TorchScriptFixture.class.getResourceAsStream("/torchscript/make_tiny_cnn.py")) {
            assertTrue(in != null, "the generator script is not on the test classpath");
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Result r = run(List.of(PYTHON.toString(), script.toString(), dir.toString(), String.valueOf(classes),
                String.valueOf(seed), String.valueOf(PROBE_SIDE)), 300);
        assertEquals(0, r.exitCode, "the fixture generator failed:\n" + r.output);
        Fixtures files = new Fixtures(dir.resolve("tiny_cnn.pt"), dir.resolve("logits_only.pt"),
                dir.resolve("mode_probe.pt"), dir.resolve("batch_norm.pt"), dir.resolve("probe.txt"));
        for (Path p : Arrays.asList(files.tinyCnn(), files.logitsOnly(), files.modeProbe(), files.batchNorm(),
                files.probe())) {
            assertTrue(Files.isRegularFile(p), p + " was not written:\n" + r.output);
        }
        return files;
    }

    /**
     * The probe batch of the generator: two images of side {@link #PROBE_SIDE}, pixel k of the flattened batch is
     * (k mod 17) / 16.
     *
     * @return the pixels, row-major (2, 1, side, side)
     */
    public static float[] probePixels() {
        float[] x = new float[2 * PROBE_SIDE * PROBE_SIDE];
        for (int k = 0; k < x.length; k++) {
            x[k] = (k % 17) / 16f;
        }
        return x;
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, int timeoutSeconds) {
        if (!Files.isExecutable(Path.of(command.get(0)))) {
            return new Result(-1, command.get(0) + " is not executable");
        }
        Path log = null;
        try {
            log = Files.createTempFile("torchscript-fixture", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            return done ? new Result(p.exitValue(), out)
                    : new Result(-1, "timed out after " + timeoutSeconds + " s:\n" + out);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException e) {
                    // a leftover log in the temp directory is harmless
                }
            }
        }
    }
}
