package io.unlearn.streamprocessor.internals;

import io.unlearn.streamprocessor.domain.DeadlinePolicy;
import io.unlearn.streamprocessor.errors.StoreFormatException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestBundleTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadBackWhatTheBuilderWroteInArrivalOrder() {
        // Given a builder that grows past its first array, and is cleared and reused
        RequestBundle.Builder builder = new RequestBundle.Builder().add(1L, 5L, 9, bytes("ignored"));
        builder.clear();
        String big = "x".repeat(300);
        builder.add(1_000L, 7_000L, 2, bytes("r1")).add(2_000L, DeadlinePolicy.NONE, 3, bytes(big));

        // When the bundle is written and read back
        RequestBundle read = RequestBundle.parse("t", RequestBundle.serde().serializer().serialize("t", builder.build()));

        // Then it holds the two requests, in order, with their admission times, deadlines and sample counts
        assertEquals(2, builder.size());
        assertEquals(5, builder.samples());
        List<RequestBundle.Entry> entries = read.entries();
        assertEquals(2, entries.size());
        assertEquals(1_000L, entries.get(0).admittedAtMs());
        assertEquals(7_000L, entries.get(0).deadlineMs());
        assertEquals(DeadlinePolicy.NONE, entries.get(1).deadlineMs());
        assertEquals(2, entries.get(0).samples());
        assertArrayEquals(bytes("r1"), entries.get(0).request());
        assertArrayEquals(bytes(big), entries.get(1).request());
        assertEquals(2, RequestBundle.Builder.of(read).size());
    }

    @Test
    void shouldRejectAnUnknownVersionAndACutValueWithTheirSize() {
        byte[] valid = new RequestBundle.Builder().add(1L, 2L, 1, bytes("r1")).toByteArray();
        byte[] newer = valid.clone();
        newer[0] = 3;
        byte[] cut = Arrays.copyOf(valid, valid.length - 1);

        StoreFormatException version = assertThrows(StoreFormatException.class, () -> RequestBundle.parse("t", newer));
        StoreFormatException truncated = assertThrows(StoreFormatException.class, () -> RequestBundle.parse("t", cut));

        assertTrue(version.getMessage().contains("has format 3, expected version 2 (or 1)"), version.getMessage());
        assertTrue(truncated.getMessage().contains("of " + cut.length + " bytes ends inside entry 0"),
                truncated.getMessage());
    }

    @Test
    void shouldReadAVersion1BundleAsRequestsWithoutADeadline() {
        // Given a bundle as a stream-processor before deadlines wrote it: version 1, no deadline in the header
        byte[] request = bytes("r1");
        byte[] v1 = ByteBuffer.allocate(1 + 16 + request.length).put((byte) 1).putLong(1_000L).putInt(4)
                .putInt(request.length).put(request).array();

        // When it is read
        RequestBundle.Entry entry = RequestBundle.parse("t", v1).entries().get(0);

        // Then its request is there, with no deadline, so the batch waits its max wait as before
        assertEquals(1_000L, entry.admittedAtMs());
        assertEquals(DeadlinePolicy.NONE, entry.deadlineMs());
        assertEquals(4, entry.samples());
        assertArrayEquals(request, entry.request());
    }
}
