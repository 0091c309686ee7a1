package io.unlearn.verifier.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /health}: 200 {@code UP} while the verifier works, 503 with one problem per line otherwise (the
 * consumer loop stopped, the model-registry or a dataset unavailable); {@code GET /metrics}: Prometheus text.
 * On the JDK's HTTP server, so the service needs no web framework.
 */
public final class HealthEndpoint implements AutoCloseable {

    private final HttpServer server;

    /**
     * @param problems what is wrong right now; empty when healthy
     */
    public HealthEndpoint(String host, int port, PrometheusMeterRegistry meters, Supplier<List<String>> problems) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve /health and /metrics on " + host + ":" + port
                    + " (http.host, http.port): " + e.getMessage(), e);
        }
        server.createContext("/metrics", exchange -> answer(exchange, 200,
                "text/plain; version=0.0.4; charset=utf-8", meters.scrape()));
        server.createContext("/health", exchange -> {
            List<String> now = problems.get();
            answer(exchange, now.isEmpty() ? 200 : 503, "text/plain; charset=utf-8",
                    now.isEmpty() ? "UP\n" : "DOWN\n" + String.join("\n", now) + "\n");
        });
        server.start();
    }

    /** The bound port (useful with port 0). */
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
