package io.unlearn.localstack;

import io.unlearn.schemas.Topic;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.testing.SampleRecords;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same contract round trip as {@code AvroSerdeKafkaIT}, against containers (the Apache Kafka image and
 * Apicurio Registry's in-memory image) instead of the in-JVM broker and the registry child process, for machines
 * and CI runners that have Docker. Without a Docker engine JUnit reports the class as skipped ("disabled
 * because Docker is not available"), so {@code mvn verify} still passes.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerStackIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

    @Container
    static final GenericContainer<?> REGISTRY = new GenericContainer<>("apicurio/apicurio-registry-mem:2.6.13.Final")
            .withExposedPorts(8080)
            .waitingFor(Wait.forHttp("/apis/ccompat/v7/subjects").forStatusCode(200));

    @Test
    void shouldRoundTripEveryContractThroughContainerKafkaAndRegistry() throws Exception {
        String registryUrl = "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8080) + "/apis/ccompat/v7";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers()))) {
            admin.createTopics(Topics.ALL.stream().map(t -> new NewTopic(t.name(), 1, (short) 1)).toList()).all().get();
        }
        for (Topic<?> topic : Topics.ALL) {
            roundTrip(topic, registryUrl);
        }
    }

    private static <V extends SpecificRecord> void roundTrip(Topic<V> topic, String registryUrl) {
        // Given separate serdes for writing and reading
        AvroSerde<V> writer = AvroSerde.forTopic(topic, new RestSchemaRegistryClient(registryUrl));
        AvroSerde<V> reader = AvroSerde.forTopic(topic, new RestSchemaRegistryClient(registryUrl));
        V sample = SampleRecords.forTopic(topic);

        // When produced and consumed
        Kafka.send(KAFKA.getBootstrapServers(), topic.name(), "k", writer.serialize(topic.name(), sample));
        List<ConsumerRecord<byte[], byte[]>> got = Kafka.consume(KAFKA.getBootstrapServers(), topic.name(), 1);

        // Then it decodes equal
        assertEquals(sample, reader.deserialize(topic.name(), got.get(0).value()), topic.name());
    }
}
