package io.unlearn.catalog;

import java.util.Arrays;
import java.util.Optional;

/** How a threshold bounds a metric: the metric must be {@code <=} or {@code >=} the bound. */
public enum Comparator {
    /** The metric must not exceed the bound. */
    AT_MOST("<="),
    /** The metric must reach the bound. */
    AT_LEAST(">=");

    private final String symbol;

    Comparator(String symbol) {
        this.symbol = symbol;
    }

    /** @return {@code <=} or {@code >=} */
    public String symbol() {
        return symbol;
    }

    /**
     * @param value the measured value
     * @param bound the threshold
     * @return whether the value satisfies the bound; equality passes, NaN never does
     */
    public boolean holds(double value, double bound) {
        return this == AT_MOST ? value <= bound : value >= bound;
    }

    /**
     * @param symbol {@code <=} or {@code >=}
     * @return the comparator, or empty
     */
    public static Optional<Comparator> parse(String symbol) {
        return Arrays.stream(values()).filter(c -> c.symbol.equals(symbol)).findFirst();
    }
}
