package io.unlearn.localstack;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's smoke run: broker and registry as child processes, one record through them, both stopped after. */
class LocalStackSmokeIT {

    @Test
    void shouldRoundTripADeletionRequestThroughChildProcessesAndStopThem() {
        // Given nothing running
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        // When the smoke run is made
        LocalStackSmoke.Result result = LocalStackSmoke.run(new PrintStream(printed, true, StandardCharsets.UTF_8));

        // Then the record came back unchanged, and neither child process is left listening
        assertTrue(result.roundTripped(), result.toString());
        assertEquals(0, result.offset());
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("Consumed " + result.sent().getRequestId()),
                printed.toString(StandardCharsets.UTF_8));
        assertFalse(listening(result.bootstrapServers()), "broker still listening after the run");
        assertFalse(listening(result.registryUrl().replace("http://", "").replaceAll("/.*", "")),
                "registry still listening after the run");
    }

    private static boolean listening(String hostPort) {
        String[] parts = hostPort.split(":");
        try (java.net.Socket ignored = new java.net.Socket(parts[0], Integer.parseInt(parts[1]))) {
            return true;
        } catch (java.io.IOException refused) {
            return false;
        }
    }
}
