package io.unlearn.schemas.registry;

import com.sun.net.httpserver.HttpServer;
import io.unlearn.localstack.SharedStack;
import io.unlearn.schemas.SchemaRegistryClient.RegisteredSchema;
import io.unlearn.schemas.errors.IncompatibleSchemaException;
import io.unlearn.schemas.errors.RegistryUnavailableException;
import io.unlearn.schemas.errors.UnknownSchemaIdException;
import io.unlearn.schemas.errors.UnknownSubjectException;
import io.unlearn.schemas.v1.DeletionRequest;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST client against a real Apicurio Registry (Confluent-compatible API) and against no registry at all. */
class RestSchemaRegistryClientIT {

    private static final Schema V1 = new Schema.Parser().parse("""
            {"type":"record","name":"Probe","namespace":"it","fields":[{"name":"a","type":"string"}]}""");
    private static final Schema V2_COMPATIBLE = new Schema.Parser().parse("""
            {"type":"record","name":"Probe","namespace":"it","fields":[{"name":"a","type":"string"},
             {"name":"b","type":"int","default":0}]}""");
    private static final Schema V2_INCOMPATIBLE = new Schema.Parser().parse("""
            {"type":"record","name":"Probe","namespace":"it","fields":[{"name":"a","type":"string"},
             {"name":"b","type":"int"}]}""");

    private static String registryUrl;

    @BeforeAll
    static void startStack() {
        registryUrl = SharedStack.get().registryUrl();
    }

    @Test
    void shouldRegisterIdempotentlyAndReadTheSchemaBackByIdAndAsLatest() {
        // Given a fresh subject
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(registryUrl);
        String subject = "it-" + UUID.randomUUID() + "-value";

        // When a schema is registered twice (second client: no cache) and read back
        int id = client.register(subject, DeletionRequest.getClassSchema());
        int again = new RestSchemaRegistryClient(registryUrl).register(subject, DeletionRequest.getClassSchema());
        Schema byId = new RestSchemaRegistryClient(registryUrl).getById(id);
        RegisteredSchema latest = client.latest(subject);

        // Then there is one version with one id, and the schema is the one registered
        assertEquals(id, again);
        assertEquals(DeletionRequest.getClassSchema(), byId);
        assertEquals(new RegisteredSchema(subject, id, 1, DeletionRequest.getClassSchema()), latest);
    }

    @Test
    void shouldGiveOneSchemaTheSameIdUnderTwoSubjects() {
        // Given two fresh subjects (as two topics carrying the same record type)
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(registryUrl);
        String first = "it-" + UUID.randomUUID() + "-value";
        String second = "it-" + UUID.randomUUID() + "-value";

        // When the same schema is registered under both / Then the ids agree (Confluent semantics)
        assertEquals(client.register(first, V1), client.register(second, V1));
    }

    @Test
    void shouldAcceptACompatibleChangeAndRefuseAnIncompatibleOneUnderBackwardRules() {
        // Given a subject with v1 and the BACKWARD rule (Apicurio's default rule is NONE)
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(registryUrl);
        String subject = "it-" + UUID.randomUUID() + "-value";
        int v1 = client.register(subject, V1);
        client.setCompatibility(subject, "BACKWARD");

        // When / Then a new field with a default passes and one without is refused, by check and by registration
        assertTrue(client.isCompatible(subject, V2_COMPATIBLE));
        assertFalse(client.isCompatible(subject, V2_INCOMPATIBLE));
        IncompatibleSchemaException e = assertThrows(IncompatibleSchemaException.class,
                () -> client.register(subject, V2_INCOMPATIBLE));
        assertTrue(e.getMessage().contains("HTTP 409"), e.getMessage());
        int v2 = client.register(subject, V2_COMPATIBLE);
        assertNotEquals(v1, v2);
        assertEquals(2, client.latest(subject).version());
    }

    @Test
    void shouldTreatASubjectWithoutVersionsAsCompatibleButUnknownForLatest() {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(registryUrl);
        String subject = "it-" + UUID.randomUUID() + "-value";
        assertTrue(client.isCompatible(subject, V1));
        UnknownSubjectException e = assertThrows(UnknownSubjectException.class, () -> client.latest(subject));
        assertTrue(e.getMessage().contains(subject), e.getMessage());
    }

    @Test
    void shouldReportAnUnknownIdWithTheRegistrysErrorCode() {
        UnknownSchemaIdException e = assertThrows(UnknownSchemaIdException.class,
                () -> new RestSchemaRegistryClient(registryUrl).getById(Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("error 40403"), e.getMessage());
    }

    @Test
    void shouldAnswerA404AtOnceWithoutRetrying() {
        // Given a client whose retries would take minutes
        RestSchemaRegistryClient client = RestSchemaRegistryClient.builder(registryUrl)
                .retries(5, Duration.ofSeconds(30), Duration.ofSeconds(30)).build();

        // When asking for a subject that does not exist
        long start = System.nanoTime();
        assertThrows(UnknownSubjectException.class, () -> client.latest("it-" + UUID.randomUUID() + "-value"));

        // Then the 4xx came back without a single backoff
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 30, "a 4xx must not be retried");
    }

    @Test
    void shouldRetryAClosedPortThenReportTheRegistryUnavailable() throws IOException {
        // Given a port nothing listens on
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        RestSchemaRegistryClient client = RestSchemaRegistryClient.builder("http://127.0.0.1:" + closedPort)
                .retries(2, Duration.ofMillis(10), Duration.ofMillis(20)).build();

        // When / Then
        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class, () -> client.getById(1));
        assertTrue(e.isRetryable());
        assertTrue(e.getMessage().contains("GET /schemas/ids/1 failed 3 times (last: ConnectException"),
                e.getMessage());
    }

    @Test
    void shouldRetryA503ThenReportTheRegistryUnavailableWithTheStatus() throws Exception {
        // Given a registry that answers 503 to everything, counting requests
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "{\"error_code\":50301,\"message\":\"storage is down\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            RestSchemaRegistryClient client = RestSchemaRegistryClient
                    .builder("http://127.0.0.1:" + server.getAddress().getPort())
                    .retries(3, Duration.ofMillis(10), Duration.ofMillis(20)).build();

            // When a lookup is attempted
            RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class, () -> client.getById(1));

            // Then the client tried once, retried three times, and says what the registry answered
            assertEquals(4, requests.get());
            assertTrue(e.getMessage().contains("failed 4 times (last: HTTP 503"), e.getMessage());
        } finally {
            server.stop(0);
        }
    }
}
