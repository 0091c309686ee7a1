package io.unlearn.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.errors.IncompatibleSchemaException;
import io.unlearn.schemas.errors.RegistryRequestException;
import io.unlearn.schemas.errors.RegistryUnavailableException;
import io.unlearn.schemas.errors.SchemaContractException;
import io.unlearn.schemas.errors.UnknownSchemaIdException;
import io.unlearn.schemas.errors.UnknownSubjectException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SchemaRegistryClient} for any registry speaking the Confluent Schema Registry REST API (Confluent,
 * Apicurio's {@code /apis/ccompat/v7}, Karapace), on {@code java.net.http} and Jackson.
 *
 * <p><b>Caching.</b> Schemas by id and ids by (subject, schema) are cached forever: the registry never changes
 * the schema behind an id, and registration is idempotent, so each serde asks the network once per schema.
 * {@link #latest} and {@link #isCompatible} are never cached, because their answers change as versions are added.
 *
 * <p><b>Retries.</b> Connection failures, timeouts and 5xx answers are retried with exponential backoff
 * (defaults: 3 retries, 200 ms doubling); when they run out, {@link RegistryUnavailableException} (retryable)
 * says which URL failed how often and why. 4xx answers are never retried: they become
 * {@link UnknownSchemaIdException} (404, error code 40403), {@link UnknownSubjectException} (40401/40402),
 * {@link IncompatibleSchemaException} (409) or {@link RegistryRequestException} (anything else).
 *
 * <p><b>Apicurio.</b> Checked against Apicurio Registry 2.6.13's {@code /apis/ccompat/v7}: a POST without a JSON
 * content type is answered 415, so {@code application/vnd.schemaregistry.v1+json} is always sent; an unknown id
 * gives 404 with error code 40403, an unknown subject 40401 (latest) or 40402 (compatibility check); the ids it
 * returns are content ids, so one schema has one id across subjects, as in Confluent. Its global compatibility
 * rule is NONE, not Confluent's BACKWARD; {@link #setCompatibility} sets a subject's rule.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final String authorization;

    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idBySubjectSchema = new ConcurrentHashMap<>();

    /** A client with default timeouts (connect 5 s, request 10 s), retries (3, from 200 ms) and no credentials. */
    public RestSchemaRegistryClient(String baseUrl) {
        this(builder(baseUrl));
    }

    private RestSchemaRegistryClient(Builder b) {
        this.baseUrl = b.baseUrl;
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(b.connectTimeout);
        if (b.sslContext != null) {
            http.sslContext(b.sslContext);
        }
        this.http = http.build();
        this.requestTimeout = b.requestTimeout;
        this.maxRetries = b.maxRetries;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.authorization = b.authorization;
    }

    /** Starts a builder for a client of the registry at {@code baseUrl} (e.g. {@code http://localhost:8081}). */
    public static Builder builder(String baseUrl) {
        return new Builder(baseUrl);
    }

    /** The base URL requests go to, without a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema.toString());
        Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", body,
                "register a schema under subject " + subject);
        int id = requiredInt(answer, "id", "register under " + subject);
        idBySubjectSchema.put(key, id);
        schemaById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema getById(int id) {
        Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null, "look up schema id " + id);
        Schema schema = parse(requiredText(answer, "schema", "schema id " + id), "schema id " + id);
        schemaById.putIfAbsent(id, schema);
        return schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null,
                "read the latest version of subject " + subject);
        int id = requiredInt(answer, "id", "latest of " + subject);
        Schema schema = parse(requiredText(answer, "schema", "latest of " + subject), "subject " + subject);
        schemaById.putIfAbsent(id, schema);
        return new RegisteredSchema(subject, id, requiredInt(answer, "version", "latest of " + subject), schema);
    }

    /**
     * Asks the registry whether {@code schema} passes {@code subject}'s compatibility rule against its latest
     * version. A subject without versions accepts any schema, so the answer is then {@code true}.
     */
    @Override
    public boolean isCompatible(String subject, Schema schema) {
        ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
        try {
            JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", body,
                    "check compatibility under subject " + subject);
            JsonNode verdict = answer.get("is_compatible");
            if (verdict == null || !verdict.isBoolean()) {
                throw new RegistryRequestException(baseUrl + ": compatibility answer for subject " + subject
                        + " has no boolean is_compatible: " + answer, 200, -1);
            }
            return verdict.booleanValue();
        } catch (UnknownSubjectException noVersionsYet) {
            return true;
        }
    }

    /**
     * Sets {@code subject}'s compatibility rule ({@code BACKWARD}, {@code FORWARD}, {@code FULL}, {@code NONE},
     * or a {@code _TRANSITIVE} form). Useful because Apicurio's global default is NONE while Confluent's is BACKWARD.
     */
    public void setCompatibility(String subject, String level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level.toUpperCase(Locale.ROOT));
        send("PUT", "/config/" + encode(subject), body, "set the compatibility of subject " + subject);
    }

    private JsonNode send(String method, String path, JsonNode body, String purpose) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpRequest built = request.build();
        String lastProblem = null;
        Throwable lastCause = null;
        Duration backoff = initialBackoff;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            if (attempt > 0) {
                sleep(backoff, method, path);
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            }
            HttpResponse<String> response;
            try {
                response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                lastCause = e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("interrupted during " + method + " " + baseUrl + path, e);
            }
            int status = response.statusCode();
            if (status >= 500) {
                lastProblem = "HTTP " + status + " " + abbreviate(response.body());
                lastCause = null;
                continue;
            }
            if (status >= 200 && status < 300) {
                return readJson(response.body(), method, path);
            }
            throw clientError(status, response.body(), method, path, purpose);
        }
        throw new RegistryUnavailableException(String.format(
                "schema registry at %s did not %s: %s %s failed %d times (last: %s); is the registry running and "
                        + "is the registry URL right?", baseUrl, purpose, method, path, maxRetries + 1, lastProblem),
                lastCause);
    }

    private SchemaContractException clientError(int status, String body, String method, String path,
                                                String purpose) {
        int errorCode = -1;
        String message = abbreviate(body);
        try {
            JsonNode error = JSON.readTree(body);
            if (error != null && error.has("error_code")) {
                errorCode = error.get("error_code").asInt();
                message = error.path("message").asText(message);
            }
        } catch (IOException notJson) {
            // Proxies answer HTML; the raw body (abbreviated) is the best explanation we have.
        }
        String where = String.format("schema registry at %s could not %s (%s %s -> HTTP %d, error %d: %s)",
                baseUrl, purpose, method, path, status, errorCode, message);
        if (status == 404 && (errorCode == 40403 || path.startsWith("/schemas/ids/"))) {
            return new UnknownSchemaIdException(where + "; the record was written against another registry, "
                    + "or the registry lost its (in-memory?) storage");
        }
        if (status == 404 && (errorCode == 40401 || errorCode == 40402)) {
            return new UnknownSubjectException(where + "; nothing has been registered under that subject yet");
        }
        if (status == 409) {
            return new IncompatibleSchemaException(where + "; make the change compatible (e.g. give new fields a "
                    + "default) or register it under a new subject");
        }
        if (status == 401 || status == 403) {
            return new RegistryRequestException(where + "; check the credentials given to the client builder "
                    + "(basicAuth or bearerToken)", status, errorCode);
        }
        if (status == 422) {
            return new RegistryRequestException(where + "; the registry rejected the schema or the request as "
                    + "invalid", status, errorCode);
        }
        return new RegistryRequestException(where, status, errorCode);
    }

    private JsonNode readJson(String body, String method, String path) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new RegistryRequestException(String.format("schema registry at %s answered %s %s with a body that "
                    + "is not JSON: %s; is the URL the registry's API root (for Apicurio .../apis/ccompat/v7)?",
                    baseUrl, method, path, abbreviate(body)), 200, -1);
        }
    }

    private Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new RegistryRequestException(baseUrl + ": " + what + " is not a parseable Avro schema ("
                    + e.getMessage() + "); is it a Protobuf or JSON schema?", 200, -1);
        }
    }

    private int requiredInt(JsonNode answer, String field, String what) {
        JsonNode node = answer == null ? null : answer.get(field);
        if (node == null || !node.canConvertToInt()) {
            throw new RegistryRequestException(baseUrl + ": answer to " + what + " has no integer '" + field + "': "
                    + answer, 200, -1);
        }
        return node.intValue();
    }

    private String requiredText(JsonNode answer, String field, String what) {
        JsonNode node = answer == null ? null : answer.get(field);
        if (node == null || !node.isTextual()) {
            throw new RegistryRequestException(baseUrl + ": answer to " + what + " has no text '" + field + "': "
                    + answer, 200, -1);
        }
        return node.textValue();
    }

    private void sleep(Duration backoff, String method, String path) {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException("interrupted while retrying " + method + " " + baseUrl + path, e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
    }

    private record SubjectSchema(String subject, String schema) {
    }

    /** Options of a {@link RestSchemaRegistryClient}; every option has a default that works against a local registry. */
    public static final class Builder {

        private final String baseUrl;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxRetries = 3;
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private String authorization;
        private SSLContext sslContext;

        private Builder(String baseUrl) {
            Objects.requireNonNull(baseUrl, "baseUrl");
            String trimmed = baseUrl.trim();
            while (trimmed.endsWith("/")) {
                trimmed = trimmed.substring(0, trimmed.length() - 1);
            }
            URI uri;
            try {
                uri = URI.create(trimmed);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("schema registry URL '" + baseUrl + "' is not a URL: "
                        + e.getMessage(), e);
            }
            if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("schema registry URL '" + baseUrl + "' must be http(s)://host[:port]"
                        + "[/path], e.g. http://localhost:8081 or http://127.0.0.1:8080/apis/ccompat/v7");
            }
            this.baseUrl = trimmed;
        }

        /** Time to establish a TCP connection (default 5 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** Time for one request to be answered (default 10 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * Retries after a connection failure, timeout or 5xx (default 3, so 4 attempts); the wait starts at
         * {@code initialBackoff} and doubles up to {@code maxBackoff} (defaults 200 ms, 5 s).
         */
        public Builder retries(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
            }
            this.maxRetries = maxRetries;
            this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
            this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
            return this;
        }

        /** HTTP basic authentication (Confluent Cloud: API key and secret). */
        public Builder basicAuth(String user, String password) {
            String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            this.authorization = "Basic " + token;
            return this;
        }

        /** An OAuth bearer token, sent as {@code Authorization: Bearer <token>}. */
        public Builder bearerToken(String token) {
            this.authorization = "Bearer " + Objects.requireNonNull(token, "token");
            return this;
        }

        /** The TLS context of {@code https://} URLs, e.g. one trusting a private CA (default: the JVM's). */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        public RestSchemaRegistryClient build() {
            return new RestSchemaRegistryClient(this);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
            }
            return d;
        }
    }
}
