package io.unlearn.kit.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks every transactional service runs on its settings before it starts, so that all of them report bad
 * settings the same way: every problem at once, each naming its key, value and rule. A service adds its own
 * cross-key rules to the list and throws its own exception.
 *
 * <ul>
 *   <li>known keys against their {@link ConfigDef} validators;</li>
 *   <li>Kafka client settings pass through only with a {@code consumer.} or {@code producer.} prefix, and never
 *       for a key the service sets itself (exactly-once depends on it);</li>
 *   <li>no topic is configured for two purposes (each topic carries one record type);</li>
 *   <li>the cross-key rules of the shared security settings ({@link ClientSecurity#problems}).</li>
 * </ul>
 */
public final class SettingsCheck {

    public static final String CONSUMER_PREFIX = "consumer.";
    public static final String PRODUCER_PREFIX = "producer.";

    private SettingsCheck() {
    }

    /**
     * @param definition the service's settings
     * @param props the settings given
     * @param service how problems name the service, e.g. {@code the worker}
     * @param forcedConsumer consumer keys the service sets itself, to why
     * @param forcedProducer producer keys the service sets itself, to why
     * @param topicKeys the keys that name topics, which must differ
     * @return one line per problem; empty when the settings are usable
     */
    public static List<String> problems(ConfigDef definition, Map<String, ?> props, String service,
            Map<String, String> forcedConsumer, Map<String, String> forcedProducer, List<String> topicKeys) {
        List<String> problems = new ArrayList<>();
        Map<String, String> asStrings = new HashMap<>();
        props.forEach((k, v) -> asStrings.put(k, v == null ? null : v.toString()));
        for (ConfigValue value : definition.validate(asStrings)) {
            for (String message : value.errorMessages()) {
                problems.add(value.name() + ": " + message);
            }
        }
        for (String key : props.keySet()) {
            String forced = null;
            if (key.startsWith(CONSUMER_PREFIX)) {
                forced = forcedConsumer.get(key.substring(CONSUMER_PREFIX.length()));
            } else if (key.startsWith(PRODUCER_PREFIX)) {
                forced = forcedProducer.get(key.substring(PRODUCER_PREFIX.length()));
            }
            if (forced != null) {
                problems.add(key + "=" + props.get(key) + ": " + service + " sets this itself (" + forced
                        + "); remove it");
            }
            if (!definition.names().contains(key) && !key.startsWith(CONSUMER_PREFIX)
                    && !key.startsWith(PRODUCER_PREFIX)) {
                problems.add(key + ": unknown setting (Kafka client settings take a consumer. or producer. prefix)");
            }
        }
        problems.addAll(ClientSecurity.problems(props));
        Set<String> topics = new HashSet<>();
        for (String key : topicKeys) {
            Object value = props.containsKey(key) ? props.get(key) : definition.defaultValues().get(key);
            if (value != null && !topics.add(value.toString())) {
                problems.add(key + "=" + value + ": the same topic is configured for another purpose;"
                        + " each topic carries one record type");
            }
        }
        return problems;
    }
}
