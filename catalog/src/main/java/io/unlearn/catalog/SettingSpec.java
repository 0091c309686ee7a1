package io.unlearn.catalog;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One setting of an unlearning method: its name (the settings record's component name, e.g. {@code epochs}), type,
 * default, allowed range and meaning. Settings travel as strings (registration JSON, {@code CandidateVersion}); this
 * is where a string becomes a checked value.
 *
 * @param name the key in a policy's {@code settings}
 * @param type how the value is read
 * @param defaultValue the value when the policy does not set it, in its canonical text form
 * @param min the smallest allowed value (numbers only)
 * @param max the largest allowed value (numbers only)
 * @param choices the allowed values ({@link Type#CHOICE} only)
 * @param strengthened whether a retry multiplies it by {@code 1 + attempt} (the method's strength knob)
 * @param doc one sentence: what it does, its unit
 */
public record SettingSpec(String name, Type type, String defaultValue, double min, double max, List<String> choices,
        boolean strengthened, String doc) {

    /** How a setting's text is read. */
    public enum Type {
        /** A 32-bit whole number. */
        INT,
        /** A 64-bit whole number (seeds). */
        LONG,
        /** A finite decimal number, used as a float. */
        DECIMAL,
        /** One of a fixed set of lowercase words. */
        CHOICE
    }

    /** Copies the choices. */
    public SettingSpec {
        choices = List.copyOf(choices);
    }

    /**
     * @param name the key
     * @param defaultValue the default
     * @param min the smallest allowed value
     * @param max the largest allowed value
     * @param doc what it does
     * @return a whole-number setting
     */
    public static SettingSpec integer(String name, int defaultValue, int min, int max, String doc) {
        return new SettingSpec(name, Type.INT, Integer.toString(defaultValue), min, max, List.of(), false, doc);
    }

    /**
     * @param name the key
     * @param defaultValue the default
     * @param doc what it does
     * @return a 64-bit setting without range (a seed)
     */
    public static SettingSpec seed(String name, long defaultValue, String doc) {
        return new SettingSpec(name, Type.LONG, Long.toString(defaultValue), Long.MIN_VALUE, Long.MAX_VALUE,
                List.of(), false, doc);
    }

    /**
     * @param name the key
     * @param defaultValue the default
     * @param min the smallest allowed value
     * @param max the largest allowed value
     * @param doc what it does
     * @return a decimal setting
     */
    public static SettingSpec decimal(String name, double defaultValue, double min, double max, String doc) {
        return new SettingSpec(name, Type.DECIMAL, canonical(defaultValue), min, max, List.of(), false, doc);
    }

    /**
     * @param name the key
     * @param defaultValue the default, one of {@code choices}
     * @param choices the allowed lowercase words
     * @param doc what it does
     * @return a choice setting
     */
    public static SettingSpec choice(String name, String defaultValue, List<String> choices, String doc) {
        return new SettingSpec(name, Type.CHOICE, defaultValue, 0, 0, choices, false, doc);
    }

    /** @return this setting, multiplied by {@code 1 + attempt} on each retry of a batch */
    public SettingSpec strengthenedOnRetry() {
        return new SettingSpec(name, type, defaultValue, min, max, choices, true, doc);
    }

    /**
     * Checks a value.
     *
     * @param value the text from a policy
     * @return what is wrong with it, naming the allowed form; empty when it is valid
     */
    public Optional<String> problem(String value) {
        String v = value == null ? "" : value.trim();
        try {
            switch (type) {
                case INT -> {
                    long parsed = Long.parseLong(v);
                    if (parsed >= min && parsed <= max && parsed >= Integer.MIN_VALUE && parsed <= Integer.MAX_VALUE) {
                        return Optional.empty();
                    }
                }
                case LONG -> {
                    Long.parseLong(v);
                    return Optional.empty();
                }
                case DECIMAL -> {
                    double parsed = Double.parseDouble(v);
                    if (Double.isFinite(parsed) && parsed >= min && parsed <= max) {
                        return Optional.empty();
                    }
                }
                case CHOICE -> {
                    if (choices.contains(v.toLowerCase(Locale.ROOT))) {
                        return Optional.empty();
                    }
                }
                default -> throw new IllegalStateException(type.name());
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        return Optional.of("expected " + expected() + ", got '" + value + "'");
    }

    /** @return the allowed values in words, e.g. {@code a whole number from 1 to 1000} */
    public String expected() {
        return switch (type) {
            case INT -> "a whole number from " + (long) min + " to " + (long) max;
            case LONG -> "a whole number";
            case DECIMAL -> "a number from " + canonical(min) + " to " + canonical(max);
            case CHOICE -> "one of " + String.join(" | ", choices);
        };
    }

    /**
     * Applies the retry multiplier.
     *
     * @param value a valid value
     * @param factor {@code 1 + attempt}
     * @return the value times {@code factor}, kept within {@link #max()}
     */
    String multiplied(String value, int factor) {
        return switch (type) {
            case INT -> Long.toString((long) Math.min(max, Long.parseLong(value.trim()) * (double) factor));
            case DECIMAL -> canonical(Math.min(max, Double.parseDouble(value.trim()) * factor));
            default -> value;
        };
    }

    /** Canonical text of a value as the settings map carries it. */
    String normalized(String value) {
        String v = value.trim();
        return switch (type) {
            case INT, LONG -> Long.toString(Long.parseLong(v));
            case DECIMAL -> canonical(Double.parseDouble(v));
            case CHOICE -> v.toLowerCase(Locale.ROOT);
        };
    }

    private static String canonical(double value) {
        // Settings are read as floats by the ML core; the float's shortest text is what a person wrote.
        return Float.toString((float) value);
    }
}
