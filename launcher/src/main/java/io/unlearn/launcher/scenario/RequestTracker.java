package io.unlearn.launcher.scenario;

import io.unlearn.schemas.RequestSettlement;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.RequestStatus;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Follows deletion requests on {@code unlearning.request-status} (committed records only, from the beginning) until
 * each one has settled, as an auditor's tool would.
 *
 * <p>When a request has settled is {@link RequestSettlement}'s rule, the one the model-registry applies too.
 */
public final class RequestTracker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RequestTracker.class);

    private final KafkaConsumer<String, RequestStatus> consumer;
    private final Map<String, List<RequestStatus>> history = new ConcurrentHashMap<>();

    public RequestTracker(String bootstrapServers, SchemaRegistryClient registry) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                AvroSerde.forTopic(Topics.REQUEST_STATUS, registry).deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.REQUEST_STATUS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /**
     * Polls until every request in {@code requestIds} has settled, logging progress with rate and ETA.
     *
     * @return whether all settled before the timeout
     */
    public boolean awaitSettled(Collection<String> requestIds, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long nextLog = start;
        while (true) {
            poll();
            long settled = requestIds.stream().filter(this::settled).count();
            long now = System.nanoTime();
            if (settled == requestIds.size()) {
                return true;
            }
            if (now > deadline) {
                return false;
            }
            if (now >= nextLog) {
                double seconds = Math.max(1e-9, (now - start) / 1e9);
                double rate = settled / seconds;
                String eta = rate > 0 ? String.format("%.0f s", (requestIds.size() - settled) / rate) : "unknown";
                LOG.info("{}/{} requests settled after {} s ({} /min, ETA {}); latest states: {}", settled,
                        requestIds.size(), (long) seconds, String.format("%.1f", rate * 60), eta,
                        latestStateCounts(requestIds));
                nextLog = now + Duration.ofSeconds(15).toNanos();
            }
        }
    }

    /** Reads the statuses written since the last call (waits up to half a second for new ones). */
    public void poll() {
        for (ConsumerRecord<String, RequestStatus> record : consumer.poll(Duration.ofMillis(500))) {
            history.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
        }
    }

    /** Every status of the request in topic order (one partition per request id, so this is the order written). */
    public List<RequestStatus> history(String requestId) {
        return List.copyOf(history.getOrDefault(requestId, List.of()));
    }

    /** The latest state per model the request was batched for (request-level states left out). */
    public Map<String, RequestStatus> latestByModel(String requestId) {
        return RequestSettlement.latestByModel(history(requestId));
    }

    /**
     * Whether the request has settled. Once batched for some model, only that model's outcome counts: a re-sent copy
     * of the request settles as DUPLICATE_OF under the same id while the first copy is still being unlearned.
     */
    public boolean settled(String requestId) {
        return RequestSettlement.settledAt(history(requestId)).isPresent();
    }

    private Map<String, Long> latestStateCounts(Collection<String> requestIds) {
        return requestIds.stream().map(id -> {
            List<RequestStatus> h = history(id);
            return h.isEmpty() ? "SENT" : h.get(h.size() - 1).getState().name();
        }).collect(Collectors.groupingBy(s -> s, java.util.TreeMap::new, Collectors.counting()));
    }

    @Override
    public void close() {
        consumer.close();
    }
}
