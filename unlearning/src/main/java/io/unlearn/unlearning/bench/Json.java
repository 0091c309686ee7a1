package io.unlearn.unlearning.bench;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** A minimal JSON writer for the benchmark report (maps, lists, strings, numbers, booleans, null). */
final class Json {

    private Json() {
    }

    static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(value, b, "");
        return b.toString();
    }

    private static void write(Object v, StringBuilder b, String indent) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Map<?, ?> map) {
            b.append("{");
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            String inner = indent + "  ";
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                b.append('\n').append(inner);
                string(String.valueOf(e.getKey()), b);
                b.append(": ");
                write(e.getValue(), b, inner);
                if (it.hasNext()) {
                    b.append(',');
                }
            }
            b.append(map.isEmpty() ? "}" : "\n" + indent + "}");
        } else if (v instanceof List<?> list) {
            b.append("[");
            String inner = indent + "  ";
            for (int i = 0; i < list.size(); i++) {
                b.append('\n').append(inner);
                write(list.get(i), b, inner);
                if (i + 1 < list.size()) {
                    b.append(',');
                }
            }
            b.append(list.isEmpty() ? "]" : "\n" + indent + "]");
        } else if (v instanceof Double d) {
            b.append(d.isNaN() || d.isInfinite() ? "null" : String.valueOf(d));
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else {
            string(v.toString(), b);
        }
    }

    private static void string(String s, StringBuilder b) {
        b.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
