package io.unlearn.streamprocessor.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The HTTP endpoint of the service, on the JDK's built-in server: {@code GET /metrics} (Prometheus text format) and
 * {@code GET /health} (200 while the streams app is healthy, 503 otherwise, with the state as body).
 * Start with {@link #start}, stop with {@link #close}.
 */
public final class StatusEndpoint implements AutoCloseable {

    private final HttpServer server;

    private StatusEndpoint(HttpServer server) {
        this.server = server;
    }

    /**
     * @param port the port to bind on all interfaces; 0 picks a free one (see {@link #port()})
     * @param healthy whether the app counts as healthy right now
     * @param state a short description of the app's state for the health body
     */
    public static StatusEndpoint start(int port, PrometheusMeterRegistry registry, BooleanSupplier healthy,
                                       Supplier<String> state) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/metrics", exchange -> respond(exchange, 200,
                "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/health", exchange -> respond(exchange, healthy.getAsBoolean() ? 200 : 503,
                "text/plain; charset=utf-8", state.get() + "\n"));
        server.start();
        return new StatusEndpoint(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int code, String contentType, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(code, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
