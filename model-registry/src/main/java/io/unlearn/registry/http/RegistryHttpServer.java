package io.unlearn.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.unlearn.registry.errors.InvalidQueryException;
import io.unlearn.registry.errors.InvalidRegistrationException;
import io.unlearn.registry.errors.ModelAlreadyRegisteredException;
import io.unlearn.registry.errors.NotExcludedException;
import io.unlearn.registry.errors.NotFoundException;
import io.unlearn.registry.errors.ReceiptsDisabledException;
import io.unlearn.registry.errors.RegistryUnavailableException;
import io.unlearn.registry.errors.RequestTooLargeException;
import io.unlearn.kit.lineage.ChainBreak;
import io.unlearn.kit.lineage.LineageVerifier;
import io.unlearn.registry.registration.BaseModelRegistration;
import io.unlearn.registry.registration.RegistrationParser;
import io.unlearn.registry.receipts.ReceiptIssuer;
import io.unlearn.registry.state.RegistryState;
import io.unlearn.registry.observability.ModelRegistryMetrics;
import io.unlearn.schemas.v1.LineageEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The REST API of the model registry (JSON) and its web page, on the JDK's {@code com.sun.net.httpserver}.
 *
 * <pre>
 * GET  /                                  web page: models, lineage graphs, metric charts, request lookup
 * GET  /web/{file}                        the page's script and style sheet
 * GET  /models                            registered models
 * POST /models                            register a base model (body: see {@link RegistrationParser})
 * GET  /models/{id}                       one model: family, architecture, policy, dataset, versions, aliases
 * GET  /models/{id}/versions              its versions in chain order
 * GET  /models/{id}/versions/{v}          one version, its verification and its lineage to the base
 * GET  /models/{id}/aliases/{alias}       where an alias points and which event moved it
 * GET  /requests/{requestId}              status history, deadline, and the first version that excludes the request
 * GET  /deadlines?within=P7D              open requests due within the window (ISO-8601, default P7D) or overdue,
 *                                         earliest first, and the requests settled after their deadline (late)
 * GET  /requests/{requestId}/receipt      the signed deletion receipt (see {@link ReceiptIssuer}): 404 unknown request,
 *                                         409 no model excludes it yet, 503 no receipt key configured
 * GET  /receipt-key                       the public key receipts are signed with, and its key id (503 without one)
 * GET  /lineage/verify                    re-checks every chain and stored artifact: {"status":"OK"} or the break
 * GET  /metrics                           Prometheus text format
 * GET  /health                            200 {"status":"UP"} while it follows the log, else 503 with the reasons
 * </pre>
 *
 * Errors are JSON {@code {"error": "...", "problems": [...]}}: 400 malformed or invalid body (every problem listed)
 * or query parameter,
 * 401 missing or wrong credential (with {@code WWW-Authenticate}), 404 unknown model, version, alias, request or
 * path, 405 wrong method, 409 model already registered or receipt asked for a request no model excludes yet, 413 body
 * too large, 415 a POST whose body is not declared {@code application/json}, 503 registry not ready or issuing no
 * receipts. Receipts and the receipt key are reads: {@code http.auth.reads} applies to them as to every GET.
 *
 * <p><b>Credentials.</b> {@code POST /models} needs {@code Authorization: Bearer <http.auth.token>} (see
 * {@link BearerAuth}); with {@code http.auth.reads=token} so does every GET but {@code /health}, which probes must
 * reach, and the web page and its files, which hold no data (the page asks for the token and sends it). The
 * credential is checked before the body is read, so an unauthenticated client costs no parsing.
 */
public final class RegistryHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final RegistryState state;
    private final RegistrationParser parser;
    private final Registrar registrar;
    private final LineageVerifier verifier;
    private final Supplier<String> prometheus;
    private final Supplier<List<String>> healthProblems;
    private final MeterRegistry meters;
    private final ObjectMapper json;
    private final long maxBodyBytes;
    private final BearerAuth auth;
    private final ReceiptIssuer receipts;

    /**
     * Binds to {@code host:port} (port 0 picks a free one); call {@link #start()} to serve.
     *
     * @param maxArtifactBytes largest artifact accepted; bounds the body size of POST /models
     * @param prometheus       the Prometheus scrape text, for GET /metrics
     * @param healthProblems   why the registry cannot keep its state current (empty while it can), for GET /health
     * @param auth             who may write and read
     * @param receipts         issues signed receipts (or refuses to, without a receipt key)
     */
    public RegistryHttpServer(String host, int port, RegistryState state, RegistrationParser parser,
                              Registrar registrar, LineageVerifier verifier, MeterRegistry meters,
                              Supplier<String> prometheus, Supplier<List<String>> healthProblems, ObjectMapper json,
                              long maxArtifactBytes, BearerAuth auth, ReceiptIssuer receipts) {
        this.auth = auth;
        this.receipts = receipts;
        this.state = state;
        this.parser = parser;
        this.registrar = registrar;
        this.verifier = verifier;
        this.meters = meters;
        this.prometheus = prometheus;
        this.healthProblems = healthProblems;
        this.json = json;
        this.maxBodyBytes = maxArtifactBytes / 3 * 4 + 1024 * 1024; // base64 grows 4/3, plus the other fields
        try {
            this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the registry's HTTP server to " + host + ":" + port
                    + "; is the port (http.port) in use?", e);
        }
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "model-registry-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public void start() {
        server.start();
        LOG.info("Model registry REST API on http://{}:{}/", server.getAddress().getHostString(), port());
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** A JSON-serialisable answer with its HTTP status, or a text body with its content type. */
    private record Reply(int status, Object body, String contentType) {
        static Reply json(int status, Object body) {
            return new Reply(status, body, "application/json; charset=utf-8");
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        Timer.Sample sample = Timer.start(meters);
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        List<String> segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty())
                .map(RegistryHttpServer::decodeSegment).toList();
        String route = route(segments);
        Reply reply;
        try {
            reply = dispatch(method, route, segments, exchange);
        } catch (InvalidRegistrationException e) {
            reply = error(400, "invalid base-model registration (" + e.problems().size() + " problem"
                    + (e.problems().size() == 1 ? "" : "s") + ")", e.problems());
        } catch (InvalidQueryException e) {
            reply = error(400, e.getMessage(), List.of());
        } catch (NotFoundException e) {
            reply = error(404, e.getMessage(), List.of());
        } catch (ModelAlreadyRegisteredException | NotExcludedException e) {
            reply = error(409, e.getMessage(), List.of());
        } catch (RequestTooLargeException e) {
            reply = error(413, e.getMessage(), List.of());
        } catch (RegistryUnavailableException | ReceiptsDisabledException e) {
            reply = error(503, e.getMessage(), List.of());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", method, path, e);
            reply = error(500, "internal error: " + e, List.of());
        }
        try {
            send(exchange, reply);
        } finally {
            sample.stop(meters.timer(ModelRegistryMetrics.HTTP_REQUESTS, "route", route, "method", method,
                    "status", Integer.toString(reply.status())));
        }
    }

    /** A percent-decoded path segment; unlike a query string, a '+' in a path is a plus sign, not a space. */
    private static String decodeSegment(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The route template of a path, used as the low-cardinality metric tag (never the ids themselves). */
    private static String route(List<String> s) {
        if (s.isEmpty()) {
            return "/";
        }
        return switch (s.get(0)) {
            case "models" -> switch (s.size()) {
                case 1 -> "/models";
                case 2 -> "/models/{id}";
                case 3 -> s.get(2).equals("versions") ? "/models/{id}/versions" : "unknown";
                case 4 -> s.get(2).equals("versions") ? "/models/{id}/versions/{v}"
                        : s.get(2).equals("aliases") ? "/models/{id}/aliases/{alias}" : "unknown";
                default -> "unknown";
            };
            case "deadlines" -> s.size() == 1 ? "/deadlines" : "unknown";
            case "requests" -> s.size() == 2 ? "/requests/{requestId}"
                    : s.size() == 3 && s.get(2).equals("receipt") ? "/requests/{requestId}/receipt" : "unknown";
            case "receipt-key" -> s.size() == 1 ? "/receipt-key" : "unknown";
            case "lineage" -> s.size() == 2 && s.get(1).equals("verify") ? "/lineage/verify" : "unknown";
            case "metrics" -> s.size() == 1 ? "/metrics" : "unknown";
            case "health" -> s.size() == 1 ? "/health" : "unknown";
            case "web" -> s.size() == 2 ? "/web/{file}" : "unknown";
            default -> "unknown";
        };
    }

    private Reply dispatch(String method, String route, List<String> s, HttpExchange exchange) throws IOException {
        if (route.equals("unknown")) {
            throw new NotFoundException("no such resource: " + exchange.getRequestURI().getPath()
                    + " (see GET / for the API)");
        }
        boolean get = method.equals("GET") || method.equals("HEAD");
        if (route.equals("/models") && method.equals("POST")) {
            Optional<Reply> refused = unauthorized(exchange, true, "POST /models");
            if (refused.isPresent()) {
                return refused.get();
            }
            if (!isJson(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                exchange.getResponseHeaders().set("Accept-Post", "application/json");
                return error(415, "POST /models takes Content-Type: application/json, not "
                        + exchange.getRequestHeaders().getFirst("Content-Type"), List.of());
            }
            return register(exchange);
        }
        if (!get) {
            exchange.getResponseHeaders().set("Allow", route.equals("/models") ? "GET, POST" : "GET");
            return error(405, method + " is not allowed on " + route, List.of());
        }
        if (!route.equals("/health") && !route.equals("/") && !route.equals("/web/{file}")) {
            Optional<Reply> refused = unauthorized(exchange, false, "reading " + route);
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        return switch (route) {
            case "/" -> page(exchange, WebPage.INDEX);
            case "/web/{file}" -> page(exchange, s.get(1));
            case "/models" -> Reply.json(200, state.models());
            case "/models/{id}" -> Reply.json(200, state.model(s.get(1)));
            case "/models/{id}/versions" -> Reply.json(200, state.versions(s.get(1)));
            case "/models/{id}/versions/{v}" -> Reply.json(200, state.version(s.get(1), s.get(3)));
            case "/models/{id}/aliases/{alias}" -> Reply.json(200, state.alias(s.get(1), s.get(3)));
            case "/requests/{requestId}" -> Reply.json(200, state.request(s.get(1)));
            case "/deadlines" -> Reply.json(200, state.deadlines(window(exchange), Instant.now()));
            case "/requests/{requestId}/receipt" -> Reply.json(200, receipts.receipt(s.get(1)));
            case "/receipt-key" -> Reply.json(200, receipts.publicKey());
            case "/lineage/verify" -> Reply.json(200, verify());
            case "/metrics" -> new Reply(200, prometheus.get(), "text/plain; version=0.0.4; charset=utf-8");
            case "/health" -> health();
            default -> throw new NotFoundException("no such resource: " + route);
        };
    }

    private static Reply page(HttpExchange exchange, String file) {
        WebPage.Asset asset = WebPage.asset(file).orElseThrow(() -> new NotFoundException("no such file of the web"
                + " page: " + file));
        exchange.getResponseHeaders().set("Content-Security-Policy", WebPage.CONTENT_SECURITY_POLICY);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        return new Reply(200, asset.text(), asset.contentType());
    }

    /** The default window of {@code GET /deadlines}: what is due within a week, so there is time to act. */
    static final Duration DEFAULT_DEADLINE_WINDOW = Duration.ofDays(7);

    /** The {@code within} query parameter of {@code GET /deadlines}, an ISO-8601 duration such as P7D or PT12H. */
    private static Duration window(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return DEFAULT_DEADLINE_WINDOW;
        }
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("within=")) {
                String value = URLDecoder.decode(parameter.substring("within=".length()), StandardCharsets.UTF_8);
                try {
                    Duration within = Duration.parse(value);
                    if (!within.isNegative()) {
                        return within;
                    }
                } catch (DateTimeParseException e) {
                    // reported below, with the fix
                }
                throw new InvalidQueryException("within=" + value + " is not a duration of zero or more in ISO-8601"
                        + " form, e.g. P7D (7 days), PT12H (12 hours) or P0D (overdue only)");
            }
        }
        return DEFAULT_DEADLINE_WINDOW;
    }

    /** A 401 when the request needs the token and does not carry it; empty when it may go on. */
    private Optional<Reply> unauthorized(HttpExchange exchange, boolean write, String what) {
        if (!auth.required(write)) {
            return Optional.empty();
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth.accepts(authorization)) {
            return Optional.empty();
        }
        meters.counter(ModelRegistryMetrics.HTTP_UNAUTHORIZED, "write", Boolean.toString(write)).increment();
        exchange.getResponseHeaders().set("WWW-Authenticate", authorization == null ? BearerAuth.CHALLENGE
                : BearerAuth.CHALLENGE + ", error=\"invalid_token\"");
        return Optional.of(error(401, what + " needs Authorization: Bearer <token> with the registry's"
                + " http.auth.token" + (authorization == null ? "" : "; the credential sent is not it"), List.of()));
    }

    /** Whether a Content-Type header declares JSON ({@code application/json}, parameters such as charset allowed). */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        return mediaType.equalsIgnoreCase("application/json");
    }

    private Reply register(HttpExchange exchange) throws IOException {
        BaseModelRegistration registration;
        try {
            registration = parser.parse(readBody(exchange));
        } catch (InvalidRegistrationException e) {
            meters.counter(ModelRegistryMetrics.REGISTRATIONS, "outcome", "invalid").increment();
            throw e;
        }
        try {
            registrar.register(registration);
        } catch (ModelAlreadyRegisteredException e) {
            meters.counter(ModelRegistryMetrics.REGISTRATIONS, "outcome", "conflict").increment();
            throw e;
        }
        meters.counter(ModelRegistryMetrics.REGISTRATIONS, "outcome", "created").increment();
        exchange.getResponseHeaders().set("Location", "/models/" + registration.modelId());
        return Reply.json(201, state.model(registration.modelId()));
    }

    private Reply health() {
        List<String> problems = healthProblems.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", problems.isEmpty() ? "UP" : "DOWN");
        body.put("problems", problems);
        body.put("models", state.modelCount());
        body.put("lineageEvents", state.eventCount());
        return Reply.json(problems.isEmpty() ? 200 : 503, body);
    }

    private Map<String, Object> verify() {
        List<LineageEvent> events = state.events();
        Optional<ChainBreak> chainBreak = verifier.firstBreak(events);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", chainBreak.isPresent() ? "BROKEN" : "OK");
        result.put("checkedEvents", events.size());
        result.put("checkedModels", events.stream().map(LineageEvent::getModelId).distinct().count());
        result.put("checkedAt", Instant.now().toString());
        chainBreak.ifPresent(b -> {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("modelId", b.modelId());
            detail.put("sequence", b.sequence());
            detail.put("versionId", events.stream().filter(e -> e.getModelId().equals(b.modelId())
                    && e.getSequence() == b.sequence()).map(LineageEvent::getVersionId).findFirst().orElse(null));
            detail.put("problem", b.problem());
            result.put("break", detail);
        });
        meters.counter(ModelRegistryMetrics.LINEAGE_VERIFICATIONS, "outcome", chainBreak.isPresent() ? "broken" : "ok")
                .increment();
        return result;
    }

    /** How much of an oversized body is read and dropped so that the 413 reaches the client. */
    private static final long DRAIN_LIMIT_BYTES = 256L * 1024 * 1024;

    private byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, maxBodyBytes + 1));
            if (body.length > maxBodyBytes) {
                // Read (and drop) what the client is still sending, up to a bound: answering while it writes makes
                // the connection reset under it, and the client sees an I/O error instead of the 413.
                long drained = 0;
                byte[] sink = new byte[64 * 1024];
                for (int n; drained < DRAIN_LIMIT_BYTES && (n = in.read(sink)) > 0; ) {
                    drained += n;
                }
                throw new RequestTooLargeException("request body exceeds " + maxBodyBytes + " bytes; the artifact limit"
                        + " is artifact.max.bytes (base64 adds a third)");
            }
            return body;
        }
    }

    private static Reply error(int status, String message, List<String> problems) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("problems", problems);
        return Reply.json(status, body);
    }

    private void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes = reply.body() instanceof String text && !reply.contentType().startsWith("application/json")
                ? text.getBytes(StandardCharsets.UTF_8)
                : json.writerWithDefaultPrettyPrinter().writeValueAsBytes(reply.body());
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(reply.status(), head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
