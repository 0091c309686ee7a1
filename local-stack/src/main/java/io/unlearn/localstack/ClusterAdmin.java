package io.unlearn.localstack;

import io.unlearn.schemas.Topic;
import io.unlearn.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The few cluster operations a container deployment needs, without Kafka's tools jar (the broker image carries this
 * module's runtime classpath): a readiness check, creating the system's topics, and describing every topic's
 * replication.
 *
 * <pre>{@code
 * java -cp '/opt/kafka/libs/*' io.unlearn.localstack.ClusterAdmin ready <bootstrap> <min brokers>
 * java -cp '/opt/kafka/libs/*' io.unlearn.localstack.ClusterAdmin create-topics <bootstrap> <partitions> <replication>
 * java -cp '/opt/kafka/libs/*' io.unlearn.localstack.ClusterAdmin describe <bootstrap>
 * }</pre>
 *
 * {@code create-topics} creates what {@code LocalDeployment} creates on one machine: every topic of
 * {@link Topics#ALL} (the training manifest and the models topic compacted, the lineage topic kept forever) and the
 * dead-letter topic, leaving existing topics as they are. {@code describe} prints one line per topic:
 * {@code <topic> partitions=<n> replication=<min replicas over partitions> min.insync.replicas=<value>}.
 * Exit status: 0 done, 1 not ready or failed, 2 usage.
 */
public final class ClusterAdmin {

    private static final int TIMEOUT_MS = 10_000;

    private ClusterAdmin() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2) {
            err.println("usage: ClusterAdmin ready <bootstrap> <min brokers> | create-topics <bootstrap> <partitions>"
                    + " <replication> | describe <bootstrap>");
            return 2;
        }
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[1],
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS))) {
            switch (args[0]) {
                case "ready" -> {
                    int brokers = admin.describeCluster().nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
                    int wanted = args.length > 2 ? Integer.parseInt(args[2]) : 1;
                    out.println(brokers + " broker(s) of " + wanted);
                    return brokers >= wanted ? 0 : 1;
                }
                case "create-topics" -> {
                    createTopics(admin, Integer.parseInt(args[2]), Short.parseShort(args[3]), out);
                    return 0;
                }
                case "describe" -> {
                    describe(admin).forEach(out::println);
                    return 0;
                }
                default -> {
                    err.println("unknown command " + args[0]);
                    return 2;
                }
            }
        } catch (ExecutionException e) {
            err.println(args[0] + " failed: " + e.getCause());
            return 1;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            err.println(args[0] + " failed: " + e);
            return 1;
        }
    }

    /** The system's topics with their configuration, as {@code LocalDeployment} creates them. */
    public static List<NewTopic> systemTopics(int partitions, short replication) {
        List<NewTopic> topics = new ArrayList<>();
        for (Topic<?> topic : Topics.ALL) {
            NewTopic t = new NewTopic(topic.name(), partitions, replication);
            if (topic.equals(Topics.TRAINING_MANIFEST) || topic.equals(Topics.MODELS)) {
                t.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            } else if (topic.equals(Topics.LINEAGE)) {
                t.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.RETENTION_BYTES_CONFIG, "-1"));
            }
            topics.add(t);
        }
        topics.add(new NewTopic(Topics.DEAD_LETTER, 1, replication));
        return topics;
    }

    private static void createTopics(Admin admin, int partitions, short replication, PrintStream out)
            throws Exception {
        for (NewTopic topic : systemTopics(partitions, replication)) {
            try {
                admin.createTopics(List.of(topic)).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                out.println("created " + topic.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                out.println("exists  " + topic.name());
            }
        }
    }

    /** One line per topic (internal ones included), sorted by name. */
    public static List<String> describe(Admin admin) throws Exception {
        TreeSet<String> names = new TreeSet<>(admin.listTopics(
                new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                .names().get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        Map<String, TopicDescription> descriptions = new TreeMap<>(admin.describeTopics(names).allTopicNames()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        List<ConfigResource> resources = names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return descriptions.values().stream().map(d -> {
            int replication = d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
            var minIsr = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, d.name()))
                    .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            return d.name() + " partitions=" + d.partitions().size() + " replication=" + replication
                    + " min.insync.replicas=" + (minIsr == null ? "?" : minIsr.value());
        }).collect(Collectors.toList());
    }
}
