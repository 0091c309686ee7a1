package io.unlearn.registry.kafka;

import io.unlearn.registry.ModelRegistryConfig;
import io.unlearn.registry.errors.RegistryUnavailableException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the topics the registry reads and writes when they are missing: the lineage topic with infinite
 * retention ({@code retention.ms=-1}; it is the system's audit trail), the training manifest and the models topic compacted, the
 * rest with broker defaults. Existing topics are left as they are.
 */
public final class RegistryTopics {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryTopics.class);

    private RegistryTopics() {
    }

    /** The topic definitions the registry needs, for this configuration. */
    public static List<NewTopic> definitions(ModelRegistryConfig config) {
        int partitions = config.topicPartitions();
        short replication = config.topicReplicationFactor();
        List<NewTopic> topics = new ArrayList<>();
        topics.add(new NewTopic(config.lineageTopic(), partitions, replication).configs(Map.of(
                TopicConfig.RETENTION_MS_CONFIG, "-1",
                TopicConfig.RETENTION_BYTES_CONFIG, "-1",
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)));
        topics.add(new NewTopic(config.trainingManifestTopic(), partitions, replication).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        topics.add(new NewTopic(config.modelsTopic(), partitions, replication).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        for (String name : List.of(config.candidatesTopic(), config.verificationsTopic(),
                config.requestStatusTopic(), config.deadLetterTopic())) {
            topics.add(new NewTopic(name, partitions, replication));
        }
        return topics;
    }

    /** An existing lineage topic created by someone else may delete old events; the audit trail needs all of them. */
    private static void warnIfLineageExpires(Admin admin, ModelRegistryConfig config)
            throws InterruptedException, TimeoutException {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, config.lineageTopic());
        try {
            Config described = admin.describeConfigs(List.of(topic)).all()
                    .get(config.startupTimeout().toMillis(), TimeUnit.MILLISECONDS).get(topic);
            ConfigEntry retention = described.get(TopicConfig.RETENTION_MS_CONFIG);
            if (retention != null && !"-1".equals(retention.value())) {
                LOG.warn("Lineage topic {} has retention.ms={}: old lineage events will be deleted and the audit"
                        + " trail broken; set retention.ms=-1 on it", config.lineageTopic(), retention.value());
            }
        } catch (ExecutionException e) {
            LOG.warn("Cannot check the retention of lineage topic {}: {}", config.lineageTopic(), e.getCause());
        }
    }

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** Creates every missing topic; waits at most {@code startup.timeout.ms}. */
    public static void ensure(ModelRegistryConfig config) {
        Map<String, Object> props = config.adminSettings();
        Admin admin = Admin.create(props);
        try {
            for (NewTopic topic : definitions(config)) {
                try {
                    admin.createTopics(List.of(topic)).all()
                            .get(config.startupTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("Created topic {} ({} partitions, configs {})", topic.name(), topic.numPartitions(),
                            topic.configs());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new RegistryUnavailableException("cannot create topic " + topic.name() + " on "
                                + config.bootstrapServers() + ": " + e.getCause(), e.getCause());
                    }
                }
            }
            warnIfLineageExpires(admin, config);
        } catch (TimeoutException e) {
            throw new RegistryUnavailableException("broker " + config.bootstrapServers() + " did not answer within "
                    + config.startupTimeout().toMillis() + " ms (" + ModelRegistryConfig.STARTUP_TIMEOUT_MS_CONFIG
                    + "); is it running?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while creating topics", e);
        } finally {
            // a plain close() waits for requests still pending (up to default.api.timeout.ms, a minute) after the
            // start-up timeout has already given up on them
            admin.close(CLOSE_TIMEOUT);
        }
    }
}
