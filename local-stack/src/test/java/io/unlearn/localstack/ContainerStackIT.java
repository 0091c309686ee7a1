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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same contract round trip as {@code AvroSerdeKafkaIT}, against containers of the images {@code bin/images}
 * builds ({@code unlearn/kafka}: one combined KRaft node; {@code unlearn/apicurio}) instead of the in-JVM broker and
 * the registry child process. Skipped, with the reason, without a Docker engine or without those images.
 */
@RequiresImages({LocalImages.KAFKA, LocalImages.APICURIO})
class ContainerStackIT {

    private static LocalImages.KafkaNode kafka;
    private static GenericContainer<?> registry;

    @BeforeAll
    static void start() {
        kafka = new LocalImages.KafkaNode(true);
        registry = new GenericContainer<>(DockerImageName.parse(LocalImages.APICURIO))
                .withExposedPorts(8080)
                .waitingFor(Wait.forHttp("/apis/ccompat/v7/subjects").forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(4)));
        kafka.start();
        registry.start();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void shouldRoundTripEveryContractThroughContainerKafkaAndRegistry() throws Exception {
        String registryUrl = "http://" + registry.getHost() + ":" + registry.getMappedPort(8080) + "/apis/ccompat/v7";
        String bootstrap = kafka.externalBootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(Topics.ALL.stream().map(t -> new NewTopic(t.name(), 1, (short) 1)).toList()).all().get();
        }
        for (Topic<?> topic : Topics.ALL) {
            roundTrip(topic, registryUrl, bootstrap);
        }
    }

    private static <V extends SpecificRecord> void roundTrip(Topic<V> topic, String registryUrl, String bootstrap) {
        // Given separate serdes for writing and reading
        AvroSerde<V> writer = AvroSerde.forTopic(topic, new RestSchemaRegistryClient(registryUrl));
        AvroSerde<V> reader = AvroSerde.forTopic(topic, new RestSchemaRegistryClient(registryUrl));
        V sample = SampleRecords.forTopic(topic);

        // When produced and consumed
        Kafka.send(bootstrap, topic.name(), "k", writer.serialize(topic.name(), sample));
        List<ConsumerRecord<byte[], byte[]>> got = Kafka.consume(bootstrap, topic.name(), 1);

        // Then it decodes equal
        assertEquals(sample, reader.deserialize(topic.name(), got.get(0).value()), topic.name());
    }
}
