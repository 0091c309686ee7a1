package io.unlearn.localstack;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster of {@code docker-compose.yml} in containers: three KRaft nodes of {@code unlearn/kafka} with the same
 * settings, the schema registry and the model-registry, configured as compose configures it
 * ({@code MODEL_REGISTRY_TOPIC_REPLICATION_FACTOR=3}). The model-registry creates its topics itself at start-up
 * (no topics job here); each of them must come out with replication factor 3 and min.insync.replicas 2, so that
 * one broker can fail without losing an acknowledged write or stopping the system.
 */
@RequiresImages({LocalImages.KAFKA, LocalImages.APICURIO, LocalImages.MODEL_REGISTRY})
class ReplicatedClusterIT {

    private static final String BOOTSTRAP = "kafka-1:9092,kafka-2:9092,kafka-3:9092";
    private static final List<String> REGISTRY_TOPICS = List.of("unlearning.lineage", "unlearning.training-manifest",
            "unlearning.models", "unlearning.candidates", "unlearning.verifications", "unlearning.request-status",
            "unlearning.dead-letter");

    private static Network network;
    private static final List<GenericContainer<?>> CONTAINERS = new ArrayList<>();

    @BeforeAll
    static void start() {
        network = Network.newNetwork();
        List<LocalImages.KafkaNode> nodes = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            LocalImages.KafkaNode node = new LocalImages.KafkaNode(false);
            node.withNetwork(network).withNetworkAliases("kafka-" + id);
            node.withEnv(Map.of(
                    "KAFKA_NODE_ID", Integer.toString(id),
                    "KAFKA_ADVERTISED_HOST", "kafka-" + id,
                    "KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093",
                    "KAFKA_CLUSTER_ID", "5L6g3nShT-eMCtK--X86sw",
                    "KAFKA_HEAP_OPTS", "-Xmx384m -Xms384m"));
            nodes.add(node);
        }
        CONTAINERS.addAll(nodes);
        Startables.deepStart(nodes).join();

        GenericContainer<?> schemaRegistry = new GenericContainer<>(DockerImageName.parse(LocalImages.APICURIO))
                .withNetwork(network).withNetworkAliases("schema-registry")
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(4)));
        CONTAINERS.add(schemaRegistry);
        schemaRegistry.start();

        GenericContainer<?> modelRegistry = new GenericContainer<>(DockerImageName.parse(LocalImages.MODEL_REGISTRY))
                .withNetwork(network).withNetworkAliases("model-registry")
                .withEnv(Map.of(
                        "JDK_JAVA_OPTIONS", "-Xmx512m",
                        "MODEL_REGISTRY_BOOTSTRAP_SERVERS", BOOTSTRAP,
                        "MODEL_REGISTRY_SCHEMA_REGISTRY_URL", "http://schema-registry:8080/apis/ccompat/v7",
                        "MODEL_REGISTRY_TOPIC_REPLICATION_FACTOR", "3",
                        "MODEL_REGISTRY_TOPIC_PARTITIONS", "3"))
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(5)));
        CONTAINERS.add(modelRegistry);
        modelRegistry.start();
    }

    @AfterAll
    static void stop() {
        for (int i = CONTAINERS.size() - 1; i >= 0; i--) {
            CONTAINERS.get(i).stop();
        }
        CONTAINERS.clear();
        if (network != null) {
            network.close();
        }
    }

    @Test
    void shouldCreateEveryRegistryTopicWithThreeReplicasAndTwoInSync() throws Exception {
        // When the model-registry has started (it creates its topics), the cluster describes them
        Container.ExecResult described = CONTAINERS.get(0).execInContainer("cluster-admin", "describe", BOOTSTRAP);
        assertEquals(0, described.getExitCode(), described.getStderr());
        Map<String, String> lines = Arrays.stream(described.getStdout().split("\n"))
                .filter(l -> !l.isBlank())
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(' ')), Function.identity()));

        // Then each of the registry's topics has replication factor 3 and min.insync.replicas 2
        for (String topic : REGISTRY_TOPICS) {
            String line = lines.get(topic);
            assertTrue(line != null, topic + " was not created; the cluster has " + lines.keySet());
            assertTrue(line.contains(" replication=3 "), line);
            assertTrue(line.endsWith(" min.insync.replicas=2"), line);
        }
        // and so do the brokers' internal topics the services use (consumer offsets, transactions), once they exist
        for (String internal : List.of("__consumer_offsets", "__transaction_state")) {
            if (lines.containsKey(internal)) {
                assertTrue(lines.get(internal).contains(" replication=3 "), lines.get(internal));
            }
        }
    }
}
