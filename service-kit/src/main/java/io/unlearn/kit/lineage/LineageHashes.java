package io.unlearn.kit.lineage;

import io.unlearn.kit.artifacts.Digests;
import io.unlearn.schemas.v1.LineageEvent;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.TreeMap;

/**
 * The hash of a lineage event: SHA-256 over its Avro binary encoding with the {@code details} map in key order.
 * Avro encodes a map in iteration order, which a decoded {@code HashMap} does not promise to keep; sorting makes
 * the hash a function of the event's content only, so the registry, an auditor's consumer and a re-check after
 * restart all compute the same value.
 */
public final class LineageHashes {

    private static final SpecificDatumWriter<LineageEvent> WRITER = new SpecificDatumWriter<>(LineageEvent.class);

    private LineageHashes() {
    }

    public static String hash(LineageEvent event) {
        LineageEvent canonical = LineageEvent.newBuilder(event)
                .setDetails(new TreeMap<>(event.getDetails()))
                .build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        try {
            WRITER.write(canonical, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Digests.sha256Hex(bytes.toByteArray());
    }
}
