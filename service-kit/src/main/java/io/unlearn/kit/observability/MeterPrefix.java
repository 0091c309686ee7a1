package io.unlearn.kit.observability;

import java.util.regex.Pattern;

/**
 * The metric name scheme, defined once: every meter a service registers is named {@code unlearn.<service>.<what>},
 * where {@code <service>} is one constant of this type and {@code <what>} is lowercase and dotted (base units, the
 * registry's {@code NamingConvention} makes each backend's spelling, e.g. Prometheus
 * {@code unlearn_verifier_verdicts_total}). Meters that third-party binders register (Kafka Streams' own
 * {@code kafka_*} metrics) keep their names. The list of names is in {@code docs/glossary.md}, "Metric names".
 */
public enum MeterPrefix {

    /** {@code unlearn.streamprocessor.} */
    STREAM_PROCESSOR("streamprocessor"),
    /** {@code unlearn.worker.} */
    WORKER("worker"),
    /** {@code unlearn.verifier.} */
    VERIFIER("verifier"),
    /** {@code unlearn.registry.} */
    REGISTRY("registry");

    /** What every name starts with. */
    public static final String ROOT = "unlearn.";

    private static final Pattern WHAT = Pattern.compile("[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)*");

    private final String prefix;

    MeterPrefix(String service) {
        this.prefix = ROOT + service + ".";
    }

    /** @return the prefix with its trailing dot, e.g. {@code unlearn.worker.} */
    public String prefix() {
        return prefix;
    }

    /**
     * @param what the meter's own part, lowercase dotted words, e.g. {@code loop.dead.letters}
     * @return the full meter name, e.g. {@code unlearn.worker.loop.dead.letters}
     * @throws IllegalArgumentException when {@code what} is not lowercase dotted words, or already carries the root
     */
    public String of(String what) {
        if (what == null || !WHAT.matcher(what).matches() || (what + ".").startsWith(ROOT)) {
            throw new IllegalArgumentException("meter name part '" + what + "' under " + prefix + " must be"
                    + " lowercase dotted words ([a-z][a-z0-9]* joined by '.') without the '" + ROOT + "' root,"
                    + " e.g. 'loop.dead.letters'");
        }
        return prefix + what;
    }
}
