package io.unlearn.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A method's settings, checked against its {@link MethodSpec} and complete (every setting present, unset ones at
 * their default), in canonical text; the typed getters are the only place a setting's text is converted.
 *
 * @param method the method these settings belong to
 * @param values setting name to canonical value, in the method's declaration order
 */
public record Settings(MethodSpec method, Map<String, String> values) {

    /** Copies the values, keeping their order. */
    public Settings {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * @param name an INT setting of the method
     * @return its value
     */
    public int integer(String name) {
        return Integer.parseInt(value(name, SettingSpec.Type.INT));
    }

    /**
     * @param name a LONG setting of the method
     * @return its value
     */
    public long whole(String name) {
        return Long.parseLong(value(name, SettingSpec.Type.LONG));
    }

    /**
     * @param name a DECIMAL setting of the method
     * @return its value
     */
    public float decimal(String name) {
        return Float.parseFloat(value(name, SettingSpec.Type.DECIMAL));
    }

    /**
     * @param name a CHOICE setting of the method
     * @return its lowercase value
     */
    public String choice(String name) {
        return value(name, SettingSpec.Type.CHOICE);
    }

    /**
     * @param name a setting of the method
     * @param value a value valid for it
     * @return these settings with that one replaced
     */
    public Settings with(String name, String value) {
        SettingSpec spec = method.setting(name).orElseThrow(() -> new IllegalArgumentException(
                method.id() + " has no setting " + name));
        spec.problem(value).ifPresent(p -> {
            throw new InvalidPolicyException(java.util.List.of(method.id() + " setting " + name + ": " + p));
        });
        Map<String, String> out = new LinkedHashMap<>(values);
        out.put(name, spec.normalized(value));
        return new Settings(method, out);
    }

    private String value(String name, SettingSpec.Type type) {
        SettingSpec spec = method.setting(name).orElseThrow(() -> new IllegalArgumentException(
                method.id() + " has no setting " + name + "; it has " + values.keySet()));
        if (spec.type() != type) {
            throw new IllegalArgumentException(method.id() + " setting " + name + " is " + spec.type() + ", not "
                    + type);
        }
        return values.get(name);
    }
}
