package io.unlearn.kit.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A service's operational endpoint on the JDK's HTTP server (no web framework needed): {@code GET /health} answers
 * 200 while the service is up and 503 otherwise, with a short text saying why; {@code GET /metrics} answers the
 * Prometheus text the service's meter registry scrapes. Other methods get 405.
 */
public final class ServiceEndpoint implements AutoCloseable {

    /** Whether the service is up, and the text {@code /health} answers (state, counts, or one problem per line). */
    public record Health(boolean up, String body) {
    }

    private final HttpServer server;

    private ServiceEndpoint(HttpServer server) {
        this.server = server;
    }

    /**
     * @param host    the address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
     * @param port    the port; 0 picks a free one (see {@link #port()})
     * @param metrics the Prometheus text, asked on every request (e.g. {@code registry::scrape})
     * @param health  the current health, asked on every request
     * @throws IOException naming the address when it cannot be bound
     */
    public static ServiceEndpoint start(String host, int port, Supplier<String> metrics, Supplier<Health> health)
            throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new IOException("cannot serve /health and /metrics on " + host + ":" + port
                    + " (settings http.host, http.port): " + e.getMessage(), e);
        }
        server.createContext("/metrics", exchange -> answer(exchange, 200,
                "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
        server.createContext("/health", exchange -> {
            Health now = health.get();
            answer(exchange, now.up() ? 200 : 503, "text/plain; charset=utf-8",
                    (now.up() ? "UP " : "DOWN ") + now.body() + "\n");
        });
        server.start();
        return new ServiceEndpoint(server);
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length);
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
