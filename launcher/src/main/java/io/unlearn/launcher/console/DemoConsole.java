package io.unlearn.launcher.console;

import io.unlearn.launcher.scenario.RequestTracker;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * What the demo shows on the terminal: its steps, one live line while something long runs (with the latest progress
 * line, rate and ETA, that the code doing it logged), and a live table of the requests by state with a progress bar
 * per stage. Logs go to files (the demo's slf4j log file and each service's); this prints only what a person
 * watching needs. On a terminal the live lines are redrawn in place; piped to a file, a line every 15 s.
 */
public final class DemoConsole {

    private static final Set<RequestState> MODEL_FINAL = EnumSet.of(RequestState.VERIFIED, RequestState.FAILED);
    private static final Set<RequestState> REQUEST_FINAL = EnumSet.of(RequestState.REJECTED,
            RequestState.DUPLICATE_OF, RequestState.NO_MODELS_AFFECTED);
    private static final List<String> STATES = List.of("SENT", "RECEIVED", "BATCHED", "UNLEARNED", "VERIFIED",
            "FAILED", "REJECTED", "DUPLICATE_OF", "NO_MODELS_AFFECTED");
    private static final int BAR = 36;

    private final PrintStream out;
    private final boolean redraw;
    private final Path logFile;
    private int drawnLines;

    /**
     * @param out     the terminal
     * @param redraw  whether {@code out} is a terminal that understands ANSI cursor movement
     * @param logFile the demo's own log, where long-running code logs its progress lines (null: none)
     */
    public DemoConsole(PrintStream out, boolean redraw, Path logFile) {
        this.out = out;
        this.redraw = redraw;
        this.logFile = logFile;
    }

    /** A console on {@code System.out}, redrawing when it is a terminal. */
    public static DemoConsole onTerminal(Path logFile) {
        return new DemoConsole(System.out, System.console() != null && !"dumb".equals(System.getenv("TERM")), logFile);
    }

    public PrintStream out() {
        return out;
    }

    /** A step heading. */
    public void step(String text) {
        out.println("== " + text);
    }

    /** Runs {@code work}, showing the elapsed time and the latest progress line of the log meanwhile. */
    public <T> T during(String label, Callable<T> work) throws Exception {
        long start = System.nanoTime();
        Thread ticker = new Thread(() -> {
            long lastPrinted = 0;
            while (!Thread.currentThread().isInterrupted()) {
                long seconds = (System.nanoTime() - start) / 1_000_000_000L;
                String line = "   " + label + ": " + seconds + " s" + latestProgress().map(p -> " | " + p).orElse("");
                if (redraw) {
                    draw(List.of(line));
                } else if (seconds - lastPrinted >= 15) {
                    out.println(line);
                    lastPrinted = seconds;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "demo-console");
        ticker.setDaemon(true);
        ticker.start();
        try {
            return work.call();
        } finally {
            ticker.interrupt();
            ticker.join();
            drawnLines = 0;
            out.println("   " + label + ": done in " + (System.nanoTime() - start) / 1_000_000_000L + " s");
        }
    }

    /**
     * Follows the requests on the status topic until every one has settled or the timeout passes, with a live
     * table of their states and a bar per stage.
     *
     * @return whether all settled in time
     */
    public boolean followRequests(RequestTracker tracker, List<String> requestIds, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long lastPrinted = 0;
        while (true) {
            tracker.poll();
            Snapshot snapshot = Snapshot.of(tracker, requestIds);
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            boolean done = snapshot.settled == requestIds.size();
            if (redraw) {
                draw(snapshot.lines(seconds));
            } else if (done || seconds - lastPrinted >= 15) {
                snapshot.lines(seconds).forEach(out::println);
                lastPrinted = seconds;
            }
            if (done || System.nanoTime() > deadline) {
                drawnLines = 0;
                return done;
            }
        }
    }

    /** Redraws the block of live lines in place. */
    private synchronized void draw(List<String> lines) {
        StringBuilder b = new StringBuilder();
        if (drawnLines > 0) {
            b.append("\033[").append(drawnLines).append('A');
        }
        for (String line : lines) {
            b.append('\r').append(line).append("\033[K\n");
        }
        out.print(b);
        out.flush();
        drawnLines = lines.size();
    }

    /** The last line of the demo's log that reports progress with an ETA, without its logger prefix. */
    private Optional<String> latestProgress() {
        if (logFile == null || !Files.isRegularFile(logFile)) {
            return Optional.empty();
        }
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long length = file.length();
            int tail = (int) Math.min(length, 16_384);
            byte[] bytes = new byte[tail];
            file.seek(length - tail);
            file.readFully(bytes);
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                if (lines[i].contains("ETA")) {
                    String line = lines[i];
                    int message = line.indexOf(" - ");
                    return Optional.of(message < 0 ? line : line.substring(message + 3));
                }
            }
        } catch (IOException e) {
            // progress is a nicety: a log being rotated or written must not stop the demo
        }
        return Optional.empty();
    }

    /** The requests' latest states and how many passed each stage. */
    record Snapshot(int total, Map<String, Integer> byState, int admitted, int batched, int unlearned, int settled) {

        static Snapshot of(RequestTracker tracker, List<String> requestIds) {
            Map<String, Integer> byState = new LinkedHashMap<>();
            STATES.forEach(s -> byState.put(s, 0));
            int admitted = 0;
            int batched = 0;
            int unlearned = 0;
            int settled = 0;
            for (String id : requestIds) {
                List<RequestStatus> history = tracker.history(id);
                Map<String, RequestStatus> latest = tracker.latestByModel(id);
                boolean requestFinal = latest.isEmpty()
                        && history.stream().anyMatch(s -> REQUEST_FINAL.contains(s.getState()));
                String state = history.isEmpty() ? "SENT" : requestFinal || latest.isEmpty()
                        ? history.get(history.size() - 1).getState().name()
                        : latest.values().stream().map(s -> s.getState().name())
                                .min((a, b) -> STATES.indexOf(a) - STATES.indexOf(b)).orElseThrow();
                byState.merge(state, 1, Integer::sum);
                admitted += history.isEmpty() ? 0 : 1;
                batched += requestFinal || !latest.isEmpty() ? 1 : 0;
                unlearned += requestFinal || !latest.isEmpty() && latest.values().stream().allMatch(s ->
                        s.getState() == RequestState.UNLEARNED || MODEL_FINAL.contains(s.getState())) ? 1 : 0;
                settled += tracker.settled(id) ? 1 : 0;
            }
            return new Snapshot(requestIds.size(), byState, admitted, batched, unlearned, settled);
        }

        List<String> lines(long seconds) {
            StringBuilder states = new StringBuilder("   ");
            byState.forEach((state, n) -> {
                if (n > 0) {
                    states.append(state.toLowerCase(Locale.ROOT)).append(' ').append(n).append("  ");
                }
            });
            return List.of(
                    "   " + total + " requests, " + seconds + " s:" + states,
                    bar("received by the stream-processor", admitted),
                    bar("batched (or settled there)", batched),
                    bar("unlearned", unlearned),
                    bar("settled (verified, failed, rejected)", settled));
        }

        private String bar(String stage, int done) {
            int filled = total == 0 ? BAR : done * BAR / total;
            return String.format("   %-38s [%s%s] %d/%d", stage, "#".repeat(filled), ".".repeat(BAR - filled),
                    done, total);
        }
    }
}
