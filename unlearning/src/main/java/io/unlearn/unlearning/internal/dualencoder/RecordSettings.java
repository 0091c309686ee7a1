package io.unlearn.unlearning.internal.dualencoder;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds a settings record from string settings (a policy's {@code settings} map): each key is a component name of
 * the record, every other component keeps its default. Unknown keys and unparsable values are reported together,
 * each with its key, value and the rule broken; the record's own constructor then checks the ranges.
 */
public final class RecordSettings {

    private RecordSettings() {
    }

    /**
     * @param defaults the record holding the defaults
     * @param settings component name to value, e.g. {@code lambdaConsistency = "0"}
     * @param <R> the record type
     * @return a new record with the given values
     * @throws IllegalArgumentException naming every unknown key and bad value, or the range the record rejects
     */
    @SuppressWarnings("unchecked")
    public static <R extends Record> R parse(R defaults, Map<String, String> settings) {
        Class<R> type = (Class<R>) defaults.getClass();
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        List<String> problems = new ArrayList<>();
        TreeSet<String> known = new TreeSet<>();
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            known.add(c.getName());
            types[i] = c.getType();
            String raw = settings.get(c.getName());
            try {
                values[i] = raw == null ? c.getAccessor().invoke(defaults) : value(c.getType(), raw.trim());
            } catch (NumberFormatException e) {
                problems.add(c.getName() + " = '" + raw + "' is not a " + c.getType().getSimpleName());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + defaults, e);
            }
        }
        for (String key : new TreeSet<>(settings.keySet())) {
            if (!known.contains(key)) {
                problems.add("unknown setting '" + key + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems) + " (settings of "
                    + type.getSimpleName() + ": " + known + ")");
        }
        try {
            Constructor<R> constructor = type.getDeclaredConstructor(types);
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    private static Object value(Class<?> type, String raw) {
        if (type == int.class) {
            return Integer.parseInt(raw);
        } else if (type == long.class) {
            return Long.parseLong(raw);
        } else if (type == float.class) {
            return Float.parseFloat(raw);
        } else if (type == double.class) {
            return Double.parseDouble(raw);
        }
        throw new IllegalStateException("settings of type " + type + " are not supported");
    }
}
