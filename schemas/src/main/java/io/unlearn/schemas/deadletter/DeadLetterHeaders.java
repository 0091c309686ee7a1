package io.unlearn.schemas.deadletter;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * The headers a dead-letter record carries on top of the original record's headers, and the one way to build
 * such a record. Every value is UTF-8 text (partition and offset in decimal), so an operator can read them
 * with {@code kafka-console-consumer --property print.headers=true}.
 *
 * <p>The set mirrors Kafka Streams' own dead-letter headers ({@code __streams.errors.*}, KIP-1034) under our
 * prefix, so plain consumers and Streams apps label their dead letters the same way.
 */
public final class DeadLetterHeaders {

    public static final String PREFIX = "__unlearn.errors.";
    public static final String EXCEPTION_CLASS = PREFIX + "exception.class";
    public static final String EXCEPTION_MESSAGE = PREFIX + "exception.message";
    public static final String EXCEPTION_STACKTRACE = PREFIX + "exception.stacktrace";
    public static final String TOPIC = PREFIX + "topic";
    public static final String PARTITION = PREFIX + "partition";
    public static final String OFFSET = PREFIX + "offset";

    /** Stack traces are capped so that a deep one cannot push the record past the broker's message size limit. */
    static final int MAX_STACKTRACE_CHARS = 16_384;

    private DeadLetterHeaders() {
    }

    /**
     * A record for {@code deadLetterTopic} holding {@code failed}'s key and value bytes unchanged, its headers
     * (copied, so the original is not modified) and the {@code __unlearn.errors.*} headers describing {@code error}.
     */
    public static ProducerRecord<byte[], byte[]> deadLetterRecord(String deadLetterTopic,
                                                                  ConsumerRecord<byte[], byte[]> failed,
                                                                  Throwable error) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : failed.headers()) {
            headers.add(h.key(), h.value());
        }
        headers.add(EXCEPTION_CLASS, utf8(error.getClass().getName()));
        headers.add(EXCEPTION_MESSAGE, utf8(error.getMessage() == null ? "" : error.getMessage()));
        headers.add(EXCEPTION_STACKTRACE, utf8(stackTrace(error)));
        headers.add(TOPIC, utf8(failed.topic()));
        headers.add(PARTITION, utf8(Integer.toString(failed.partition())));
        headers.add(OFFSET, utf8(Long.toString(failed.offset())));
        return new ProducerRecord<>(deadLetterTopic, null, failed.key(), failed.value(), headers);
    }

    /** The text of header {@code name} of a dead-letter record, or null if absent. */
    public static String text(Iterable<Header> headers, String name) {
        String found = null;
        for (Header h : headers) {
            if (h.key().equals(name)) {
                found = h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return found;
    }

    private static String stackTrace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        String trace = out.toString();
        return trace.length() <= MAX_STACKTRACE_CHARS ? trace : trace.substring(0, MAX_STACKTRACE_CHARS) + "\n\t...";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
