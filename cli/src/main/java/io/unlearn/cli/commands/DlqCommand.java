package io.unlearn.cli.commands;

import io.unlearn.cli.ConnectionOptions;
import io.unlearn.cli.ExitCodes;
import io.unlearn.cli.Table;
import io.unlearn.cli.TopicSnapshot;
import io.unlearn.cli.errors.CliException;
import io.unlearn.cli.errors.NotFoundException;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.deadletter.DeadLetterHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import static io.unlearn.cli.commands.RegistryDocuments.abbreviate;

/**
 * {@code unlearn dlq list|replay}: the dead-letter topic's records with their {@code __unlearn.errors.*} headers,
 * and a replay that re-sends a dead letter's original key and value bytes, with its original headers, to the topic
 * its {@code __unlearn.errors.topic} header names (after the cause is fixed: a registry restored, a model registered).
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "List and replay dead letters: records no stage could process, kept with their original key "
                + "and value bytes and __unlearn.errors.* headers.",
        subcommands = {DlqCommand.ListCommand.class, DlqCommand.ReplayCommand.class})
public final class DlqCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a dlq command: list or replay");
    }

    /** Options both dlq commands take. */
    static final class DeadLetterOptions {
        @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = Topics.DEAD_LETTER,
                description = "The dead-letter topic. Default: ${DEFAULT-VALUE}.")
        String topic;

        @Option(names = "--source-topic", paramLabel = "TOPIC",
                description = "Only dead letters that came from this topic (header __unlearn.errors.topic).")
        String sourceTopic;
    }

    /** {@code unlearn dlq list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the dead letters: entry (partition@offset in the dead-letter topic), where the "
                    + "record came from (topic/partition@offset), the exception and its message, the key.")
    static final class ListCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConnectionOptions connection;

        @Mixin
        DeadLetterOptions options;

        @Option(names = "--verbose", description = "Every header of each record, the stack trace included.")
        boolean verbose;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<ConsumerRecord<byte[], byte[]>> records = read(connection, options);
            Table table = new Table("entry", "source", "exception", "key", "message");
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (verbose) {
                    out.printf("== %s  %s  key=%s  value=%d bytes%n", entry(r), Instant.ofEpochMilli(r.timestamp()),
                            printable(r.key()), r.value() == null ? 0 : r.value().length);
                    for (Header h : r.headers()) {
                        out.printf("%s: %s%n", h.key(), printable(h.value()));
                    }
                    continue;
                }
                String exception = DeadLetterHeaders.text(r.headers(), DeadLetterHeaders.EXCEPTION_CLASS);
                table.row(entry(r), source(r),
                        exception == null ? null : exception.substring(exception.lastIndexOf('.') + 1),
                        abbreviate(printable(r.key()), 40),
                        abbreviate(DeadLetterHeaders.text(r.headers(), DeadLetterHeaders.EXCEPTION_MESSAGE), 100));
            }
            if (!verbose) {
                table.print(out);
            }
            out.printf("%d dead letters in %s%s%n", records.size(), options.topic,
                    options.sourceTopic == null ? "" : " from " + options.sourceTopic);
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code unlearn dlq replay}. */
    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Re-send dead letters to the topic they came from: the original key and value bytes "
                    + "and the original headers (the __unlearn.errors.* ones dropped), through an idempotent "
                    + "producer. Name entries as PARTITION@OFFSET (from dlq list), or --all.",
                    "A replayed record that fails again becomes a new dead letter; the old one stays (the topic is "
                            + "append-only)."})
    static final class ReplayCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConnectionOptions connection;

        @Mixin
        DeadLetterOptions options;

        @Parameters(paramLabel = "PARTITION@OFFSET", arity = "0..*", description = "Entries to replay.")
        List<String> entries = new ArrayList<>();

        @Option(names = "--all", description = "Replay every dead letter (of --source-topic, if given).")
        boolean all;

        @Option(names = "--to-topic", paramLabel = "TOPIC",
                description = "Send to this topic instead of the one the header names.")
        String toTopic;

        @Option(names = "--dry-run", description = "Show what would be re-sent; send nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (all == !entries.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "name the entries to replay (PARTITION@OFFSET, from dlq list) or --all, not both");
            }
            Set<String> wanted = new LinkedHashSet<>();
            for (String e : entries) {
                if (!e.matches("\\d+@\\d+")) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "entry '" + e
                            + "' is not PARTITION@OFFSET, e.g. 0@42");
                }
                wanted.add(e);
            }
            Map<String, ConsumerRecord<byte[], byte[]>> chosen = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : read(connection, options)) {
                if (all || wanted.contains(entry(r))) {
                    chosen.put(entry(r), r);
                }
            }
            List<String> missing = wanted.stream().filter(w -> !chosen.containsKey(w)).toList();
            if (!missing.isEmpty()) {
                throw new NotFoundException("no dead letter at " + String.join(", ", missing) + " in " + options.topic
                        + (options.sourceTopic == null ? "" : " from " + options.sourceTopic)
                        + "; nothing replayed (unlearn dlq list shows the entries)");
            }
            int unroutable = 0;
            Map<String, ProducerRecord<byte[], byte[]>> replays = new LinkedHashMap<>();
            for (var e : chosen.entrySet()) {
                String target = toTopic != null ? toTopic
                        : DeadLetterHeaders.text(e.getValue().headers(), DeadLetterHeaders.TOPIC);
                if (target == null || target.isEmpty()) {
                    unroutable++;
                    err.println(e.getKey() + ": no " + DeadLetterHeaders.TOPIC + " header, so no topic to replay"
                            + " to; use --to-topic");
                    continue;
                }
                replays.put(e.getKey(), replay(e.getValue(), target));
            }
            if (dryRun) {
                replays.forEach((entry, r) -> out.printf("would replay %s -> %s (key %s)%n", entry, r.topic(),
                        printable(r.key())));
            } else if (!replays.isEmpty()) {
                send(replays, out);
            }
            out.printf("%s %d dead letters%s%n", dryRun ? "would replay" : "replayed", replays.size(),
                    unroutable == 0 ? "" : ", " + unroutable + " without a source topic skipped");
            out.flush();
            err.flush();
            return unroutable > 0 ? ExitCodes.REJECTED : ExitCodes.OK;
        }

        private void send(Map<String, ProducerRecord<byte[], byte[]>> replays, PrintWriter out)
                throws InterruptedException {
            Map<String, Future<RecordMetadata>> acks = new LinkedHashMap<>();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(connection.producerSettings(),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                replays.forEach((entry, r) -> acks.put(entry, producer.send(r)));
                producer.flush();
                for (var a : acks.entrySet()) {
                    try {
                        RecordMetadata m = a.getValue().get();
                        out.printf("replayed %s -> %s/%d@%d (key %s)%n", a.getKey(), m.topic(), m.partition(),
                                m.offset(), printable(replays.get(a.getKey()).key()));
                    } catch (ExecutionException e) {
                        throw new CliException(ExitCodes.UNAVAILABLE, "replay of " + a.getKey() + " to "
                                + replays.get(a.getKey()).topic() + " failed: " + e.getCause(), e.getCause());
                    }
                }
            }
        }
    }

    /** The original record of a dead letter, to {@code target}: its key, value and non-error headers. */
    static ProducerRecord<byte[], byte[]> replay(ConsumerRecord<byte[], byte[]> deadLetter, String target) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : deadLetter.headers()) {
            if (!h.key().startsWith(DeadLetterHeaders.PREFIX)) {
                headers.add(h.key(), h.value());
            }
        }
        return new ProducerRecord<>(target, null, deadLetter.key(), deadLetter.value(), headers);
    }

    /** Every committed record of the dead-letter topic up to its end when called, filtered by source topic. */
    static List<ConsumerRecord<byte[], byte[]>> read(ConnectionOptions connection, DeadLetterOptions options) {
        return TopicSnapshot.read(connection, options.topic, "topic " + options.topic + " does not exist (no stage has"
                        + " dead-lettered anything yet, or --topic is wrong)").stream()
                .filter(r -> options.sourceTopic == null || options.sourceTopic.equals(
                        DeadLetterHeaders.text(r.headers(), DeadLetterHeaders.TOPIC)))
                .toList();
    }

    static String entry(ConsumerRecord<?, ?> r) {
        return r.partition() + "@" + r.offset();
    }

    private static String source(ConsumerRecord<byte[], byte[]> r) {
        String topic = DeadLetterHeaders.text(r.headers(), DeadLetterHeaders.TOPIC);
        return topic == null ? null : topic + "/" + DeadLetterHeaders.text(r.headers(), DeadLetterHeaders.PARTITION)
                + "@" + DeadLetterHeaders.text(r.headers(), DeadLetterHeaders.OFFSET);
    }

    /** Bytes as text when they are printable UTF-8, else as {@code base64:...}; null stays null. */
    static String printable(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            if (text.chars().noneMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
                return text;
            }
        } catch (CharacterCodingException e) {
            // not text: shown as base64 below
        }
        return "base64:" + Base64.getEncoder().encodeToString(bytes);
    }
}
