package io.unlearn.kit.receipts;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The canonical form of a JSON value: the bytes a receipt's signature covers. Two trees with the same content give
 * the same bytes, whatever the order of their keys or how they were formatted, so a verifier can parse a receipt,
 * re-serialise it and check the signature.
 *
 * <p>The rule (UTF-8 throughout):
 * <ul>
 *   <li>no whitespace between tokens;</li>
 *   <li>an object's members sorted by key, comparing keys as Java {@link String#compareTo} does (UTF-16 code units);
 *       a key occurs once; a member whose value is JSON {@code null} is kept, an absent member stays absent;</li>
 *   <li>arrays in their order;</li>
 *   <li>strings (keys too) in double quotes; {@code "} and {@code \} escaped with a backslash, U+0000 to U+001F as
 *       {@code \}{@code u00xx} (lowercase hex), every other character as itself;</li>
 *   <li>integers (no fraction in the source) in plain decimal; other numbers as {@link Double#toString(double)} of
 *       their double value (e.g. {@code 0.899}, {@code 1.0E-5}), which reads back to the same double; NaN and
 *       infinities are rejected, as JSON has no form for them;</li>
 *   <li>{@code true}, {@code false}, {@code null}.</li>
 * </ul>
 */
public final class CanonicalJson {

    private CanonicalJson() {
    }

    /** The canonical bytes of {@code value}. */
    public static byte[] bytes(JsonNode value) {
        return string(value).getBytes(StandardCharsets.UTF_8);
    }

    /** The canonical text of {@code value}. */
    public static String string(JsonNode value) {
        StringBuilder out = new StringBuilder(1024);
        write(value, out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<String> keys = new ArrayList<>();
                node.fieldNames().forEachRemaining(keys::add);
                Collections.sort(keys);
                out.append('{');
                for (int i = 0; i < keys.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    quote(keys.get(i), out);
                    out.append(':');
                    write(node.get(keys.get(i)), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), out);
                }
                out.append(']');
            }
            case STRING -> quote(node.textValue(), out);
            case NUMBER -> number(node, out);
            case BOOLEAN -> out.append(node.booleanValue());
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("no canonical JSON form for a " + node.getNodeType()
                    + " node (" + node + ")");
        }
    }

    private static void number(JsonNode node, StringBuilder out) {
        if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue());
            return;
        }
        double value = node.doubleValue();
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("no canonical JSON form for the number " + value);
        }
        out.append(value);
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
