package io.unlearn.localstack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A running single-node KRaft Kafka cluster (broker and controller in one node), in this JVM or a child process. */
public interface KafkaBroker extends AutoCloseable {

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Stops the broker and deletes its data. Idempotent. */
    @Override
    void close();

    /**
     * Creates each topic with {@code partitions} partitions and replication factor 1; a topic that already exists
     * is left as it is, so tests may call this for the same names again.
     */
    default void createTopics(int partitions, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        List<NewTopic> topics = Arrays.stream(names).distinct().map(n -> new NewTopic(n, partitions, (short) 1)).toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new LocalStackException("cannot create topic " + entry.getKey() + " on "
                                + bootstrapServers() + ": " + e.getCause(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while creating topics " + Arrays.toString(names), e);
        } catch (TimeoutException e) {
            throw new LocalStackException("creating topics " + Arrays.toString(names) + " on " + bootstrapServers()
                    + " took over 60 s; is the broker overloaded?", e);
        }
    }
}
