package io.unlearn.registry.registration;

import java.util.Arrays;
import java.util.Optional;

/** How a verification threshold bounds a metric: the metric must be {@code <=} or {@code >=} the threshold. */
public enum Comparator {
    AT_MOST("<="),
    AT_LEAST(">=");

    private final String symbol;

    Comparator(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /** Whether {@code value} satisfies this comparator against {@code threshold}. */
    public boolean holds(double value, double threshold) {
        return this == AT_MOST ? value <= threshold : value >= threshold;
    }

    /** The comparator written {@code symbol} ({@code <=} or {@code >=}), or empty. */
    public static Optional<Comparator> parse(String symbol) {
        return Arrays.stream(values()).filter(c -> c.symbol.equals(symbol)).findFirst();
    }
}
