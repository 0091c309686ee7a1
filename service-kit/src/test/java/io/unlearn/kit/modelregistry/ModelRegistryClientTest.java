package io.unlearn.kit.modelregistry;

import io.unlearn.catalog.Comparator;
import io.unlearn.catalog.Threshold;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelRegistryClientTest {

    /** The shape model-registry's GET /models/{id} answers (see model-registry's Views.ModelView). */
    private static final String MODEL = """
            {"modelId":"fashion","family":"classifier","baseVersionId":"base","currentVersionId":"v-1",
             "aliases":{"production":"v-1"},"architecture":{"classes":10},
             "policy":{"method":"contrastive","settings":{"epochs":"2"},
                       "thresholds":[{"metric":"forget.accuracy","comparator":"<=","threshold":0.2},
                                     {"metric":"retain.accuracy","comparator":">=","threshold":0.8}],
                       "maxFailuresBeforeRetrain":2},
             "dataset":{"name":"synthetic","subjects":3,"samples":30},
             "registeredAt":"2026-12-01T00:00:00Z","lineageLength":4,
             "versions":[
               {"versionId":"base","parentVersionId":null,"batchId":null,"status":"BASE","requestIds":[],
                "artifactDigest":"aa","recordedAt":"x"},
               {"versionId":"v-1","parentVersionId":"base","batchId":"fashion-0000000001","status":"PASSED",
                "requestIds":["r1"],"artifactDigest":"bb","recordedAt":"x"},
               {"versionId":"v-2","parentVersionId":"v-1","batchId":"fashion-0000000002","status":"CANDIDATE",
                "requestIds":["r2","r3"],"artifactDigest":"cc","recordedAt":"x"}]}
            """;

    private HttpServer server;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    /** When set, the fake registry answers 401 unless this Authorization header is sent. */
    private volatile String requiredAuthorization;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/models/", exchange -> {
            calls.incrementAndGet();
            String id = exchange.getRequestURI().getPath().substring("/models/".length());
            boolean authorized = requiredAuthorization == null
                    || requiredAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            int status = !authorized ? 401 : failuresLeft.getAndDecrement() > 0 ? 503 : id.equals("fashion") ? 200
                    : 404;
            byte[] body = (status == 200 ? MODEL : "{\"error\":\"no\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ModelRegistryClient client() {
        return new ModelRegistryClient("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Test
    void readsPolicyVersionsAndCurrentVersion() {
        RegisteredModel model = client().model("fashion").orElseThrow();

        assertEquals("classifier", model.family().id());
        assertEquals("v-1", model.current().versionId());
        assertEquals("bb", model.current().artifactDigest());
        assertEquals("contrastive", model.policy().method());
        assertEquals("2", model.policy().settings().get("epochs"));
        assertEquals(2, model.policy().maxFailuresBeforeRetrain());
        assertEquals(List.of(new Threshold("forget.accuracy", Comparator.AT_MOST, 0.2),
                new Threshold("retain.accuracy", Comparator.AT_LEAST, 0.8)),
                model.policy().thresholds());
        assertEquals(new TrainingData("synthetic", 3, 30), model.dataset());
        assertEquals("v-2", model.unverifiedCandidate().orElseThrow().versionId());
        assertEquals(List.of("r2", "r3"), model.version("v-2").orElseThrow().requestIds());
        assertEquals(null, model.version("base").orElseThrow().parentVersionId());
    }

    @Test
    void shouldSendTheTokenAsABearerCredential() {
        requiredAuthorization = "Bearer registry-token-0123456789";

        ModelRegistryUnavailableException e = assertThrows(ModelRegistryUnavailableException.class,
                () -> client().model("fashion"));
        assertTrue(e.getMessage().contains("set model.registry.auth.token"), e.getMessage());
        assertTrue(new ModelRegistryClient("http://127.0.0.1:" + server.getAddress().getPort(),
                "registry-token-0123456789").model("fashion").isPresent());
    }

    @Test
    void unknownModelIsEmptyNotAnError() {
        assertTrue(client().model("nobody").isEmpty());
    }

    @Test
    void retriesServerErrorsThenAnswers() {
        failuresLeft.set(2);
        assertTrue(client().model("fashion").isPresent());
        assertEquals(3, calls.get());
    }

    @Test
    void namesTheRegistryWhenItStaysDown() {
        failuresLeft.set(100);
        ModelRegistryUnavailableException e = assertThrows(ModelRegistryUnavailableException.class,
                () -> client().model("fashion"));
        assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
        assertTrue(e.getMessage().contains("is the registry running?"), e.getMessage());
        assertEquals(4, calls.get());
    }
}
