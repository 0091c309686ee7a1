package io.unlearn.registry;

import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.VerificationResult;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Writes to a model-registry's input topics what the other services would: candidates (unlearn-worker),
 * verifications (verifier) and request statuses (every stage), Avro-encoded with the schema registry, or raw bytes.
 */
public final class RegistryInputs implements AutoCloseable {

    private final ModelRegistryConfig config;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroSerde<CandidateVersion> candidates;
    private final AvroSerde<VerificationResult> verifications;
    private final AvroSerde<RequestStatus> statuses;

    public RegistryInputs(String bootstrapServers, ModelRegistryConfig config, SchemaRegistryClient schemas) {
        this.config = config;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.candidates = AvroSerde.forTopic(Topics.CANDIDATES, schemas);
        this.verifications = AvroSerde.forTopic(Topics.VERIFICATIONS, schemas);
        this.statuses = AvroSerde.forTopic(Topics.REQUEST_STATUS, schemas);
    }

    public void candidate(CandidateVersion candidate) throws Exception {
        String topic = config.candidatesTopic();
        publish(topic, candidate.getModelId(), candidates.serialize(topic, candidate));
    }

    public void verification(VerificationResult result) throws Exception {
        String topic = config.verificationsTopic();
        publish(topic, result.getModelId(), verifications.serialize(topic, result));
    }

    public void status(RequestStatus status) throws Exception {
        String topic = config.requestStatusTopic();
        publish(topic, status.getRequestId(), statuses.serialize(topic, status));
    }

    /** Sends {@code value} as it is (e.g. bytes that are not Avro) and waits for the broker's acknowledgement. */
    public void publish(String topic, String key, byte[] value) throws ExecutionException, InterruptedException {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
