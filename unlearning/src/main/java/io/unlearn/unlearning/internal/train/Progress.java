package io.unlearn.unlearning.internal.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs a periodic progress line with samples per second and an ETA. */
public final class Progress {

    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
    private static final long INTERVAL_NANOS = 5_000_000_000L;

    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private long lastLog = start;
    private long done;

    /**
     * @param label what is running, e.g. {@code retrain}
     * @param total planned samples (0 if unknown)
     */
    public Progress(String label, long total) {
        this.label = label;
        this.total = total;
    }

    /** @param samples samples processed since the last call */
    public void advance(long samples) {
        done += samples;
        long now = System.nanoTime();
        if (now - lastLog >= INTERVAL_NANOS) {
            lastLog = now;
            double seconds = (now - start) / 1e9;
            double rate = done / Math.max(seconds, 1e-9);
            if (total > 0) {
                LOG.info("{}: {}/{} samples ({}%), {} samples/s, ETA {} s", label, done, total,
                        Math.round(100.0 * done / total), Math.round(rate),
                        Math.round(Math.max(0, total - done) / Math.max(rate, 1e-9)));
            } else {
                LOG.info("{}: {} samples, {} samples/s", label, done, Math.round(rate));
            }
        }
    }

    /** Logs the final rate. */
    public void finish() {
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info("{}: done, {} samples in {} s ({} samples/s)", label, done, String.format("%.1f", seconds),
                Math.round(done / Math.max(seconds, 1e-9)));
    }
}
