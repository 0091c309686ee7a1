package io.unlearn.localstack;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedStackIT {

    @Test
    void shouldDeliverAProducedRecordToAConsumerThroughTheSharedBroker() throws Exception {
        // Given the shared stack and a fresh topic
        SharedStack stack = SharedStack.get();
        String topic = "it.shared-stack-" + UUID.randomUUID();
        stack.createTopics(2, topic);

        // When a record is produced
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "request-1", "forget user 42")).get();
        }

        // Then a consumer reads it back with its key
        List<ConsumerRecord<String, String>> received = consumeAll(stack.bootstrapServers(), topic, 1);
        assertEquals(1, received.size());
        assertEquals("request-1", received.get(0).key());
        assertEquals("forget user 42", received.get(0).value());
    }

    @Test
    void shouldReturnTheSameRunningStackOnEveryCallAndAcceptRepeatedTopicCreation() throws Exception {
        // Given the shared stack
        SharedStack first = SharedStack.get();

        // When it is asked for again and a topic is created twice
        SharedStack second = SharedStack.get();
        first.createTopics(1, "it.shared-stack-twice");
        second.createTopics(1, "it.shared-stack-twice");

        // Then it is one stack whose registry answers the Confluent API
        assertSame(first, second);
        HttpResponse<String> subjects = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(first.registryUrl() + "/subjects")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, subjects.statusCode());
        assertTrue(subjects.body().startsWith("["), subjects.body());
    }

    static List<ConsumerRecord<String, String>> consumeAll(String bootstrap, String topic, int expected) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }
}
