package io.unlearn.localstack;

import io.unlearn.schemas.Topics;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.serde.WireFormat;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.DeletionScope;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A smoke run of the local stack as the launcher will use it: a Kafka broker child process and an Apicurio
 * registry child process, one {@code DeletionRequest} produced through {@link AvroSerde} and consumed back,
 * then both stopped.
 *
 * <p>Run it locally (after {@code mvn -B -q install -DskipTests}) with {@code bin/demo}, which builds the
 * classpath and calls {@code java -cp ... io.unlearn.localstack.LocalStackSmoke}. It uses topic
 * {@code unlearning.deletion-requests} on a broker of its own, so it touches nothing else.
 */
public final class LocalStackSmoke {

    private LocalStackSmoke() {
    }

    /** What the smoke run observed. */
    public record Result(String bootstrapServers, String registryUrl, int schemaId, long offset,
                         DeletionRequest sent, DeletionRequest received, Duration brokerStart,
                         Duration registryStart) {

        public boolean roundTripped() {
            return sent.equals(received);
        }
    }

    public static void main(String[] args) {
        Result result = run(System.out);
        System.out.println(result.roundTripped() ? "SMOKE OK: the deletion request came back unchanged"
                : "SMOKE FAILED: sent " + result.sent() + " but received " + result.received());
        System.exit(result.roundTripped() ? 0 : 1);
    }

    /** Starts both child processes, round-trips one record, stops them, and reports progress to {@code out}. */
    public static Result run(PrintStream out) {
        out.println("Starting a KRaft Kafka broker and Apicurio Registry as child processes...");
        long t0 = System.nanoTime();
        CompletableFuture<Timed<ApicurioRegistryProcess>> registryFuture =
                CompletableFuture.supplyAsync(() -> Timed.of(ApicurioRegistryProcess::start));
        Timed<KafkaBrokerProcess> broker = Timed.of(KafkaBrokerProcess::start);
        Timed<ApicurioRegistryProcess> registry;
        try {
            registry = registryFuture.join();
        } catch (RuntimeException e) {
            broker.value().close();
            throw e;
        }
        try (KafkaBrokerProcess kafka = broker.value(); ApicurioRegistryProcess apicurio = registry.value()) {
            out.printf("  broker   %s (pid %d) ready after %d ms; log %s%n", kafka.bootstrapServers(), kafka.pid(),
                    broker.took().toMillis(), kafka.logFile());
            out.printf("  registry %s (pid %d) ready after %d ms; log %s%n", apicurio.ccompatUrl(), apicurio.pid(),
                    registry.took().toMillis(), apicurio.logFile());
            String topic = Topics.DELETION_REQUESTS.name();
            kafka.createTopics(1, topic);
            AvroSerde<DeletionRequest> serde = AvroSerde.forTopic(Topics.DELETION_REQUESTS,
                    new RestSchemaRegistryClient(apicurio.ccompatUrl()));
            DeletionRequest sent = DeletionRequest.newBuilder()
                    .setRequestId("smoke-" + UUID.randomUUID())
                    .setScope(DeletionScope.SUBJECT)
                    .setSubjectId("user-42")
                    .setReason("local-stack smoke test")
                    .setRequestedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                    .build();
            byte[] value = serde.serialize(topic, sent);
            RecordMetadata stored = produce(kafka.bootstrapServers(), topic, sent.getRequestId(), value);
            out.printf("Produced %s to %s-%d@%d (schema id %d, %d bytes)%n", sent.getRequestId(), topic,
                    stored.partition(), stored.offset(), WireFormat.schemaId(value, topic), value.length);
            DeletionRequest received = consumeOne(kafka.bootstrapServers(), topic, serde);
            out.printf("Consumed %s: scope=%s subject=%s requestedAt=%s%n", received.getRequestId(),
                    received.getScope(), received.getSubjectId(), received.getRequestedAt());
            out.println("Stopping both child processes...");
            Result result = new Result(kafka.bootstrapServers(), apicurio.ccompatUrl(),
                    WireFormat.schemaId(value, topic), stored.offset(), sent, received, broker.took(),
                    registry.took());
            return result;
        } finally {
            out.printf("Done in %d ms%n", Duration.ofNanos(System.nanoTime() - t0).toMillis());
        }
    }

    private static RecordMetadata produce(String bootstrap, String topic, String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalStackException("interrupted while producing to " + topic, e);
        } catch (ExecutionException e) {
            throw new LocalStackException("cannot produce to " + topic + " on " + bootstrap + ": " + e.getCause(),
                    e.getCause());
        }
    }

    private static DeletionRequest consumeOne(String bootstrap, String topic, AvroSerde<DeletionRequest> serde) {
        try (KafkaConsumer<String, DeletionRequest> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "local-stack-smoke",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), serde.deserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, DeletionRequest> record : consumer.poll(Duration.ofMillis(200))) {
                    return record.value();
                }
            }
        }
        throw new LocalStackException("no record came back from " + topic + " on " + bootstrap + " within 60 s");
    }

    /** A value with how long it took to make. */
    private record Timed<T>(T value, Duration took) {
        static <T> Timed<T> of(java.util.function.Supplier<T> supplier) {
            long start = System.nanoTime();
            T value = supplier.get();
            return new Timed<>(value, Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
