package io.unlearn.localstack;

import java.util.LinkedHashMap;
import java.util.Map;

/** Broker settings both broker flavours share: what makes a one-node cluster behave like a real one. */
final class BrokerSettings {

    private BrokerSettings() {
    }

    /**
     * Replication factor 1 for every internal topic (one node cannot hold 3 replicas), and no initial rebalance
     * delay so that a consumer group's first assignment does not wait 3 s in every test.
     */
    static Map<String, String> singleNode() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", "5");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("transaction.state.log.num.partitions", "5");
        settings.put("share.coordinator.state.topic.replication.factor", "1");
        settings.put("share.coordinator.state.topic.min.isr", "1");
        settings.put("group.initial.rebalance.delay.ms", "0");
        return settings;
    }
}
