package io.unlearn.registry;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

import static io.unlearn.registry.RegistryFixtures.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REST API of a running {@link ModelRegistry} as integration tests call it: every request carries
 * {@link InJvmModelRegistry#TOKEN}, so it works whether reads are open or need the token.
 */
public final class RegistryHttp {

    /** How long {@link #await} polls: state follows the topics, which a loaded machine may take a while for. */
    public static final Duration WAIT = Duration.ofSeconds(60);

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final ModelRegistry registry;

    public RegistryHttp(ModelRegistry registry) {
        this.registry = registry;
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + registry.httpPort() + path);
    }

    public HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** POSTs a JSON body. */
    public HttpResponse<String> post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json"));
    }

    /** The body of a 200 answer; fails the test on any other status. */
    public String getBody(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return response.body();
    }

    public JsonNode getJson(String path) throws Exception {
        return JSON.readTree(getBody(path));
    }

    /** Polls {@code GET path} until {@code done} holds (at most {@link #WAIT}) and returns that answer's JSON. */
    public JsonNode await(String path, Predicate<HttpResponse<String>> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        HttpResponse<String> last = get(path);
        while (!done.test(last) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            last = get(path);
        }
        assertTrue(done.test(last), "GET " + path + " did not reach the expected answer: " + last.statusCode()
                + " " + last.body());
        return JSON.readTree(last.body());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.header("Authorization", "Bearer " + InJvmModelRegistry.TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
