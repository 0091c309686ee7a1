package io.unlearn.cli.commands;

import io.unlearn.cli.ConnectionOptions;
import io.unlearn.cli.DurationConverter;
import io.unlearn.cli.ExitCodes;
import io.unlearn.cli.Table;
import io.unlearn.cli.errors.CliException;
import io.unlearn.cli.errors.ServiceUnavailableException;
import io.unlearn.cli.requests.RequestFile;
import io.unlearn.cli.requests.RequestOutcomes;
import io.unlearn.cli.requests.RequestOutcomes.Outcome;
import io.unlearn.cli.requests.StatusFollower;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.DeletionRequest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Callable;

/**
 * {@code unlearn send FILE}: checks every line of a deletion-request file, sends the valid ones as Avro in the
 * Confluent wire format to {@code unlearning.deletion-requests} (key = request id, idempotent producer), and with
 * {@code --wait} follows {@code unlearning.request-status} until each sent request settles.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Send deletion requests from a JSON-lines or CSV file.",
                "Every line is checked first; invalid lines are reported as FILE:LINE: problem and not sent. "
                        + "Valid lines go to the deletion-requests topic, keyed by request id, through an "
                        + "idempotent producer. With --wait, the request-status topic is followed until each sent "
                        + "request settles, then a summary of accepted / duplicate / rejected / failed with reasons "
                        + "is printed."},
        footer = {"%nFile format, one request per line:",
                "  JSON lines: {\"requestId\":\"r-1\",\"scope\":\"SAMPLES\",\"sampleIds\":[\"17\"],",
                "              \"modelIds\":[\"m1\"],\"reason\":\"takedown\"}",
                "  CSV: a header line naming the columns, e.g.",
                "       requestId,scope,subjectId,sampleIds,classLabel,pairs,modelIds,reason",
                "       lists separated by ';', a pair as imageId:captionId.",
                "Fields: scope (SAMPLES|SUBJECT|CLASS|PAIRS); subjectId, sampleIds,",
                "  classLabel or pairs as the scope needs; modelIds (needed unless the scope",
                "  is SUBJECT); reason; requestedAt, deadline (ISO-8601 or epoch ms);",
                "  requestId (optional: derived from the content, so re-sending a file",
                "  re-sends the same ids)."})
public final class SendCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "FILE", description = "The requests: JSON lines, or CSV when the name ends in .csv.")
    Path file;

    @Option(names = "--format", paramLabel = "jsonl|csv", description = "File format; default: from the file name.")
    String format;

    @Option(names = "--topic", paramLabel = "TOPIC",
            description = "Topic to send to. Default: unlearning.deletion-requests.")
    String topic;

    @Option(names = "--status-topic", paramLabel = "TOPIC",
            description = "Topic --wait follows. Default: unlearning.request-status.")
    String statusTopic;

    @Option(names = "--wait", description = "Follow the request-status topic until every sent request settles.")
    boolean waitForOutcome;

    @Option(names = "--until", paramLabel = "BATCHED|VERIFIED", defaultValue = "VERIFIED",
            description = "With --wait: settled once batched by the stream-processor, or once the pipeline is done "
                    + "(verified or failed). Default: ${DEFAULT-VALUE}.")
    RequestOutcomes.Until until;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", converter = DurationConverter.class,
            description = "With --wait: give up after this long (exit 7). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--progress-interval", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "How often a progress line with the rate is printed to stderr. Default: ${DEFAULT-VALUE}.")
    Duration progressInterval;

    @Option(names = "--dry-run", description = "Only check the file; send nothing.")
    boolean dryRun;

    @Option(names = "--all-or-nothing", description = "Send nothing if any line is invalid.")
    boolean allOrNothing;

    @Option(names = "--show", paramLabel = "N", defaultValue = "50",
            description = "With --wait: list at most N requests that were not accepted. Default: ${DEFAULT-VALUE}.")
    int show;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<RequestFile.Line> lines = read();
        List<DeletionRequest> valid = new ArrayList<>();
        int invalid = 0;
        for (RequestFile.Line line : lines) {
            if (line.valid()) {
                valid.add(line.request());
            } else {
                invalid++;
                err.println(file + ":" + line.number() + ": " + String.join("; ", line.problems()));
            }
        }
        err.flush();
        out.printf("%s: %d requests, %d valid, %d invalid%n", file, lines.size(), valid.size(), invalid);
        out.flush();
        if (dryRun || valid.isEmpty() || invalid > 0 && allOrNothing) {
            if (!dryRun && invalid > 0) {
                out.println("nothing sent");
            }
            return invalid > 0 ? ExitCodes.REJECTED : ExitCodes.OK;
        }
        SchemaRegistryClient schemas = connection.schemaRegistryClient();
        String target = topic == null ? Topics.DELETION_REQUESTS.name() : topic;
        StatusFollower follower = waitForOutcome ? new StatusFollower(connection.consumerSettings(), schemas,
                statusTopic == null ? Topics.REQUEST_STATUS.name() : statusTopic) : null;
        try {
            produce(valid, schemas, target, out, err);
            if (follower == null) {
                return invalid > 0 ? ExitCodes.REJECTED : ExitCodes.OK;
            }
            return follow(follower, valid, invalid, out, err);
        } finally {
            if (follower != null) {
                follower.close();
            }
        }
    }

    private List<RequestFile.Line> read() {
        try {
            RequestFile.Format f = format == null ? RequestFile.Format.of(file) : RequestFile.Format.parse(format);
            return RequestFile.read(file, f, Instant.now());
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e, e);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, file + ": " + e.getMessage(), e);
        }
    }

    private void produce(List<DeletionRequest> requests, SchemaRegistryClient schemas, String target,
                         PrintWriter out, PrintWriter err) {
        AtomicLong acknowledged = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong retriableFailures = new AtomicLong();
        Progress progress = new Progress(progressInterval, err);
        try (KafkaProducer<String, DeletionRequest> producer = new KafkaProducer<>(connection.producerSettings(),
                new StringSerializer(), AvroSerde.forTopic(Topics.DELETION_REQUESTS, schemas).serializer())) {
            // Fails fast (exit 4) when the cluster cannot be reached, rather than once per record.
            producer.partitionsFor(target);
            int sent = 0;
            for (DeletionRequest request : requests) {
                String id = request.getRequestId();
                producer.send(new ProducerRecord<>(target, id, request), (metadata, e) -> {
                    if (e == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        if (e instanceof RetriableException) {
                            retriableFailures.incrementAndGet();
                        }
                        if (failures.size() < 10) {
                            failures.add(id + ": " + e);
                        }
                    }
                });
                sent++;
                int done = sent;
                progress.maybe(() -> String.format("sent %d/%d, %d acknowledged, %s", done, requests.size(),
                        acknowledged.get(), progress.rate(done)));
            }
            producer.flush();
        }
        long failed = requests.size() - acknowledged.get();
        out.printf("sent %d requests to %s (%s)%n", acknowledged.get(), target, progress.rate(requests.size()));
        out.flush();
        if (failed > 0) {
            failures.forEach(f -> err.println("not sent: " + f));
            err.flush();
            String message = failed + " of " + requests.size() + " requests were not acknowledged by Kafka; re-run"
                    + " the same file: the ids are the same, so requests that did arrive become DUPLICATE_OF";
            if (retriableFailures.get() > 0) {
                throw new ServiceUnavailableException(message, null);
            }
            throw new CliException(ExitCodes.ERROR, message);
        }
    }

    private int follow(StatusFollower follower, List<DeletionRequest> sent, int invalid, PrintWriter out,
                       PrintWriter err) {
        Set<String> ids = new LinkedHashSet<>();
        sent.forEach(r -> ids.add(r.getRequestId()));
        RequestOutcomes outcomes = new RequestOutcomes(until);
        Progress progress = new Progress(progressInterval, err);
        long deadline = System.nanoTime() + timeout.toNanos();
        long settled = 0;
        while (settled < ids.size() && System.nanoTime() < deadline) {
            follower.poll(Duration.ofMillis(500), ids, outcomes);
            settled = ids.stream().filter(outcomes::settled).count();
            long done = settled;
            progress.maybe(() -> String.format("settled %d/%d, %s", done, ids.size(), progress.rate(done)));
        }
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        Table table = new Table("request", "outcome", "reason");
        for (String id : ids) {
            RequestOutcomes.Summary s = outcomes.summary(id);
            counts.merge(s.outcome(), 1, Integer::sum);
            if (s.outcome() != Outcome.ACCEPTED && table.size() < show) {
                table.row(id, s.outcome(), s.reasons().isEmpty() ? "no status yet" : String.join("; ", s.reasons()));
            }
        }
        if (table.size() > 0) {
            table.print(out);
        }
        out.printf("accepted %d, duplicate %d, no models affected %d, rejected %d, failed %d, pending %d"
                        + " (of %d sent; %d invalid lines not sent)%n",
                counts.getOrDefault(Outcome.ACCEPTED, 0), counts.getOrDefault(Outcome.DUPLICATE, 0),
                counts.getOrDefault(Outcome.NO_MODELS_AFFECTED, 0), counts.getOrDefault(Outcome.REJECTED, 0),
                counts.getOrDefault(Outcome.FAILED, 0), counts.getOrDefault(Outcome.PENDING, 0), ids.size(), invalid);
        if (follower.undecodable() > 0) {
            out.printf("%d records of %s did not decode and were skipped%n", follower.undecodable(), follower.topic());
        }
        out.flush();
        if (invalid > 0 || counts.containsKey(Outcome.REJECTED) || counts.containsKey(Outcome.FAILED)) {
            return ExitCodes.REJECTED;
        }
        return counts.containsKey(Outcome.PENDING) ? ExitCodes.TIMEOUT : ExitCodes.OK;
    }

    /** A progress line on stderr at most once per interval, with the rate since start. */
    private static final class Progress {
        private final long start = System.nanoTime();
        private final long intervalNanos;
        private final PrintWriter err;
        private long next;

        Progress(Duration interval, PrintWriter err) {
            this.intervalNanos = interval.toNanos();
            this.err = err;
            this.next = start + intervalNanos;
        }

        void maybe(java.util.function.Supplier<String> line) {
            long now = System.nanoTime();
            if (now >= next) {
                err.println(line.get());
                err.flush();
                next = now + intervalNanos;
            }
        }

        String rate(long count) {
            double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
            return String.format("%.1f s, %.0f/s", seconds, count / seconds);
        }
    }
}
