package io.unlearn.cli.commands;

import io.unlearn.cli.ConnectionOptions;
import io.unlearn.cli.DurationConverter;
import io.unlearn.cli.ExitCodes;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.LineageEvent;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.VerificationCheck;
import io.unlearn.schemas.v1.VerificationResult;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code unlearn audit}: the audit consumer. Follows what an auditor or compliance tool subscribes to, the request
 * statuses, the verifier's verdicts and the lineage log, and prints one line per event (or one JSON document per
 * event with {@code --json}), optionally only what concerns one request. It reads with {@code read_committed} and
 * no consumer group, so it never moves anyone's offsets; its source is also the example of such a consumer.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Print the audit trail: request statuses, verdicts and lineage events, one line per event "
                + "(unlearning.request-status, unlearning.verifications, unlearning.lineage), from the beginning.",
                "Stops at the end of what is there now, or keeps following with --follow."})
public final class AuditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--request", paramLabel = "ID",
            description = "Only events about this deletion request (its statuses, and the verdicts and lineage "
                    + "events of versions that unlearned it).")
    String requestId;

    @Option(names = "--follow", description = "Keep printing new events until --timeout (or Ctrl-C).")
    boolean follow;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "PT876000H",
            converter = DurationConverter.class,
            description = "With --follow: stop after this long (e.g. 10m). Default: no limit.")
    Duration timeout;

    @Option(names = "--json", description = "One JSON document per line: topic, partition, offset and the record.")
    boolean json;

    @Option(names = "--status-topic", defaultValue = "unlearning.request-status", paramLabel = "TOPIC",
            description = "Default: ${DEFAULT-VALUE}.")
    String statusTopic;

    @Option(names = "--verifications-topic", defaultValue = "unlearning.verifications", paramLabel = "TOPIC",
            description = "Default: ${DEFAULT-VALUE}.")
    String verificationsTopic;

    @Option(names = "--lineage-topic", defaultValue = "unlearning.lineage", paramLabel = "TOPIC",
            description = "Default: ${DEFAULT-VALUE}.")
    String lineageTopic;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SchemaRegistryClient schemas = connection.schemaRegistryClient();
        Map<String, AvroSerde<? extends SpecificRecord>> serdes = Map.of(
                statusTopic, AvroSerde.forTopic(Topics.REQUEST_STATUS, schemas),
                verificationsTopic, AvroSerde.forTopic(Topics.VERIFICATIONS, schemas),
                lineageTopic, AvroSerde.forTopic(Topics.LINEAGE, schemas));
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 2);
        int printed = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(connection.consumerSettings(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(statusTopic, verificationsTopic, lineageTopic)) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    SpecificRecord value;
                    try {
                        value = serdes.get(record.topic()).deserialize(record.topic(), record.value());
                    } catch (RuntimeException e) {
                        // the trail goes on past one undecodable record; the auditor sees where it is
                        spec.commandLine().getErr().printf("undecodable record %s-%d@%d: %s%n", record.topic(),
                                record.partition(), record.offset(), e.getMessage());
                        continue;
                    }
                    if (requestId == null || concerns(value, requestId)) {
                        out.println(json ? json(record, value) : line(value));
                        printed++;
                    }
                }
                out.flush();
                boolean caughtUp = partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
                if (!follow && caughtUp || System.nanoTime() > deadline) {
                    break;
                }
            }
        }
        if (!json) {
            out.printf("%d events%s%n", printed, requestId == null ? "" : " about request " + requestId);
            out.flush();
        }
        return ExitCodes.OK;
    }

    static boolean concerns(SpecificRecord value, String requestId) {
        if (value instanceof RequestStatus s) {
            return s.getRequestId().equals(requestId);
        }
        if (value instanceof VerificationResult v) {
            return v.getRequestIds().contains(requestId);
        }
        return value instanceof LineageEvent e && e.getRequestIds().contains(requestId);
    }

    /** One readable line: when, what kind, the facts an auditor looks for first. */
    static String line(SpecificRecord value) {
        if (value instanceof RequestStatus s) {
            return String.format("%s status       %s %s%s%s%s%s", s.getAt(), s.getRequestId(), s.getState(),
                    s.getModelId() == null ? "" : " model=" + s.getModelId(),
                    s.getVersionId() == null ? "" : " version=" + s.getVersionId(),
                    s.getFlags().isEmpty() ? "" : " flags=" + s.getFlags(),
                    s.getReason().isEmpty() ? "" : " (" + RegistryDocuments.abbreviate(s.getReason(), 200) + ")");
        }
        if (value instanceof VerificationResult v) {
            String checks = v.getChecks().stream().map(AuditCommand::check).collect(Collectors.joining(", "));
            return String.format("%s verification %s %s %s requests=%d [%s]", v.getVerifiedAt(), v.getModelId(),
                    v.getVersionId(), v.getVerdict(), v.getRequestIds().size(), checks);
        }
        LineageEvent e = (LineageEvent) value;
        return String.format("%s lineage      %s #%d %s %s%s hash-of-previous=%s", e.getRecordedAt(), e.getModelId(),
                e.getSequence(), e.getType(), e.getVersionId(),
                e.getArtifactDigest() == null ? "" : " artifact=" + e.getArtifactDigest(),
                e.getPreviousEventHash() == null ? "-" : e.getPreviousEventHash());
    }

    private static String check(VerificationCheck c) {
        return String.format("%s %.4f %s %s %s", c.getMetric(), c.getValue(), c.getComparator(), c.getThreshold(),
                c.getPassed() ? "ok" : "MISSED");
    }

    private static String json(ConsumerRecord<byte[], byte[]> record, SpecificRecord value) {
        // Avro's own JSON rendering of the record; timestamps stay epoch milliseconds as on the wire
        return "{\"topic\":\"" + record.topic() + "\",\"partition\":" + record.partition() + ",\"offset\":"
                + record.offset() + ",\"timestamp\":\"" + Instant.ofEpochMilli(record.timestamp()) + "\",\"record\":"
                + value + "}";
    }
}
