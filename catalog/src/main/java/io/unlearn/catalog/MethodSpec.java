package io.unlearn.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One unlearning method as a family offers it: its id (the policy's {@code method}, the implementation's name and
 * the {@code method} metric tag), whether it is exact retraining, its settings and how a retry strengthens them.
 *
 * @param id lowercase name, e.g. {@code contrastive}
 * @param doc one sentence: what the method does, and its paper
 * @param exact whether this is exact retraining (the reference the approximate methods are judged against)
 * @param settings every setting, in the order they are recorded
 * @param strengthening how attempt {@code n} of a batch changes the settings; by default each setting marked
 *     {@link SettingSpec#strengthened()} is multiplied by {@code 1 + n}
 */
public record MethodSpec(String id, String doc, boolean exact, List<SettingSpec> settings,
        Strengthening strengthening) {

    /** How a retry makes a method stronger. */
    @FunctionalInterface
    public interface Strengthening {
        /**
         * @param settings the complete settings of the first attempt
         * @param attempt the batch's attempt, 1 for the first retry
         * @return the settings of that attempt
         */
        Settings apply(Settings settings, int attempt);

        /** Multiplies every setting marked {@link SettingSpec#strengthened()} by {@code 1 + attempt}. */
        Strengthening SCALE_MARKED = (s, attempt) -> {
            Settings out = s;
            for (SettingSpec spec : s.method().settings()) {
                if (spec.strengthened()) {
                    out = out.with(spec.name(), spec.multiplied(s.values().get(spec.name()), 1 + attempt));
                }
            }
            return out;
        };
    }

    /** Copies the settings. */
    public MethodSpec {
        settings = List.copyOf(settings);
    }

    /**
     * @param id the method id
     * @param doc what it does
     * @param settings its settings; those marked strengthened scale with the attempt
     * @return an approximate method
     */
    public static MethodSpec approximate(String id, String doc, SettingSpec... settings) {
        return new MethodSpec(id, doc, false, List.of(settings), Strengthening.SCALE_MARKED);
    }

    /**
     * @param id the method id
     * @param doc what it does
     * @param settings its settings
     * @return exact retraining, which a retry does not change
     */
    public static MethodSpec exactRetraining(String id, String doc, SettingSpec... settings) {
        return new MethodSpec(id, doc, true, List.of(settings), (s, attempt) -> s);
    }

    /**
     * @param rule a method-specific retry rule
     * @return this method with that rule
     */
    public MethodSpec strengthenedBy(Strengthening rule) {
        return new MethodSpec(id, doc, exact, settings, rule);
    }

    /**
     * @param name a setting name
     * @return its spec, if the method has it
     */
    public Optional<SettingSpec> setting(String name) {
        return settings.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * Checks settings from a policy: every key known, every value in range.
     *
     * @param given the policy's settings for this method
     * @param path where they are, for messages (e.g. {@code policy.settings})
     * @return each problem, naming the key, the value and what is allowed
     */
    public List<String> problems(Map<String, String> given, String path) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : given.entrySet()) {
            Optional<SettingSpec> spec = setting(e.getKey());
            if (spec.isEmpty()) {
                problems.add(path + "." + e.getKey() + ": " + id + " has no such setting; its settings are "
                        + settings.stream().map(SettingSpec::name).collect(Collectors.joining(", ")));
            } else {
                spec.get().problem(e.getValue()).ifPresent(p -> problems.add(path + "." + e.getKey() + ": " + p));
            }
        }
        return problems;
    }

    /**
     * Completes and checks settings.
     *
     * @param given the policy's settings for this method (unset ones take their default)
     * @return every setting, canonical
     * @throws InvalidPolicyException naming every unknown key and bad value
     */
    public Settings resolve(Map<String, String> given) {
        List<String> problems = problems(given, id);
        if (!problems.isEmpty()) {
            throw new InvalidPolicyException(problems);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (SettingSpec spec : settings) {
            String v = given.get(spec.name());
            values.put(spec.name(), spec.normalized(v == null ? spec.defaultValue() : v));
        }
        return new Settings(this, values);
    }

    /** @return every setting at its default */
    public Settings defaults() {
        return resolve(Map.of());
    }

    /** @return the names of the settings, sorted, for messages */
    public String settingNames() {
        return String.join(", ", new TreeSet<>(settings.stream().map(SettingSpec::name).toList()));
    }
}
