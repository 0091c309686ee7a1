package io.unlearn.worker.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The worker's HTTP endpoint on the JDK's built-in server: {@code GET /metrics} (Prometheus text format) and
 * {@code GET /health} (200 with {@code UP ...} while the consumer loop runs, else 503 with the reason). Start with
 * {@link #start}, stop with {@link #close}.
 */
public final class HealthEndpoint implements AutoCloseable {

    /**
     * The health answer.
     *
     * @param up whether the worker is processing
     * @param detail one line for people
     */
    public record Health(boolean up, String detail) {
    }

    private final HttpServer server;

    private HealthEndpoint(HttpServer server) {
        this.server = server;
    }

    /**
     * Binds and starts serving.
     *
     * @param host the address to bind
     * @param port the port; 0 picks a free one (see {@link #port()})
     * @param metrics the registry to scrape
     * @param health the current health, asked on every request
     * @return the running endpoint
     * @throws IOException when the port cannot be bound
     */
    public static HealthEndpoint start(String host, int port, PrometheusMeterRegistry metrics,
            Supplier<Health> health) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/metrics", exchange -> respond(exchange, 200,
                "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
        server.createContext("/health", exchange -> {
            Health h = health.get();
            respond(exchange, h.up() ? 200 : 503, "text/plain; charset=utf-8",
                    (h.up() ? "UP " : "DOWN ") + h.detail() + "\n");
        });
        server.start();
        return new HealthEndpoint(server);
    }

    /** @return the bound port */
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
