package io.unlearn.kit.modelregistry;

import io.unlearn.catalog.FamilyCatalog;
import io.unlearn.catalog.PolicyCodec;
import io.unlearn.catalog.UnlearningPolicy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads models from the model-registry's REST API ({@code GET /models/{id}}; other documents with {@link #getJson}).
 *
 * <p>Never cached: the current version moves as verdicts arrive, and a stale answer would start unlearning from
 * the wrong parent. Connection failures and 5xx answers are retried with doubling backoff (3 retries from 200 ms),
 * then {@link ModelRegistryUnavailableException}; a 404 is an answer ({@link Optional#empty()}), not a failure.
 */
public final class ModelRegistryClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_RETRIES = 3;

    private final String baseUrl;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final String authorization;

    /** A client of the registry at {@code baseUrl}, e.g. {@code http://127.0.0.1:8090}, that sends no credential. */
    public ModelRegistryClient(String baseUrl) {
        this(baseUrl, null);
    }

    /**
     * @param token the registry's {@code http.auth.token}, sent as a bearer token (needed when the registry runs
     *              with {@code http.auth.reads=token}); null sends none
     */
    public ModelRegistryClient(String baseUrl, String token) {
        this(baseUrl, token, Duration.ofSeconds(5), Duration.ofSeconds(15));
    }

    public ModelRegistryClient(String baseUrl, String token, Duration connectTimeout, Duration requestTimeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.requestTimeout = requestTimeout;
        this.authorization = token == null ? null : "Bearer " + token;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The model, or empty if the registry does not know the id. */
    public Optional<RegisteredModel> model(String modelId) {
        return get("/models/" + URLEncoder.encode(modelId, StandardCharsets.UTF_8)).map(json -> parse(modelId, json));
    }

    /**
     * The JSON answer to {@code GET path} (e.g. {@code /requests/r-1}; ids in it URL-encoded by the caller), or empty
     * on 404; the same retries as {@link #model}. For tools that show the registry's answers as they are.
     */
    public Optional<JsonNode> getJson(String path) {
        return get(path);
    }

    /** An HTTP answer: its status and its JSON body (null when the body is not JSON). */
    public record Answer(int status, JsonNode body) {

        /** The {@code error} message of an error body, or the status alone. */
        public String error() {
            JsonNode error = body == null ? null : body.get("error");
            return error == null || error.isNull() ? "HTTP " + status : error.asText();
        }
    }

    /**
     * The answer to {@code GET path}, whatever its status: for documents whose 404, 409 and 503 carry meaning the
     * caller tells apart (a receipt). Only connection failures are retried, as in {@link #model}.
     */
    public Answer answer(String path) {
        HttpResponse<String> response = send(path, false);
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            body = null;
        }
        return new Answer(response.statusCode(), body);
    }

    /**
     * {@code POST path} with a JSON body and the token, once: a write is not retried (the registry answers a repeated
     * registration with 409, so the caller decides). Every status is an answer; only no answer at all throws.
     */
    public Answer postJson(String path, byte[] body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(requestTimeout)
                .header("Accept", "application/json").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = http.send(builder.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode parsed;
            try {
                parsed = JSON.readTree(response.body());
            } catch (IOException notJson) {
                parsed = null;
            }
            return new Answer(response.statusCode(), parsed);
        } catch (IOException e) {
            throw new ModelRegistryUnavailableException("POST " + baseUrl + path + " got no answer: " + e
                    + "; is the registry running?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelRegistryUnavailableException("interrupted during POST " + baseUrl + path, e);
        }
    }

    private Optional<JsonNode> get(String path) {
        HttpResponse<String> response = send(path, true);
        int status = response.statusCode();
        if (status == 404) {
            return Optional.empty();
        }
        if (status != 200) {
            throw new ModelRegistryUnavailableException("GET " + baseUrl + path + " answered HTTP " + status
                    + ": " + abbreviate(response.body()) + (status == 401 ? "; the registry needs its token for"
                    + " reads (http.auth.reads=token): set model.registry.auth.token" : ""), null);
        }
        try {
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new ModelRegistryUnavailableException("GET " + baseUrl + path + " answered unreadable JSON: "
                    + abbreviate(response.body()), e);
        }
    }

    /** GET with doubling backoff over connection failures and, if asked, 5xx answers. */
    private HttpResponse<String> send(String path, boolean retryServerErrors) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(requestTimeout)
                .header("Accept", "application/json").GET();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        HttpRequest request = builder.build();
        String lastProblem = null;
        Throwable lastCause = null;
        long backoffMs = 200;
        for (int attempt = 0; attempt <= MAX_RETRIES; attempt++) {
            if (attempt > 0) {
                sleep(backoffMs);
                backoffMs *= 2;
            }
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                lastProblem = e.toString();
                lastCause = e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelRegistryUnavailableException("interrupted during GET " + baseUrl + path, e);
            }
            if (retryServerErrors && response.statusCode() >= 500) {
                lastProblem = "HTTP " + response.statusCode() + " " + abbreviate(response.body());
                lastCause = null;
                continue;
            }
            return response;
        }
        throw new ModelRegistryUnavailableException("model-registry at " + baseUrl + " failed GET " + path + " "
                + (MAX_RETRIES + 1) + " times; last problem: " + lastProblem + "; is the registry running?",
                lastCause);
    }

    static RegisteredModel parse(String modelId, JsonNode m) {
        try {
            UnlearningPolicy policy = PolicyCodec.fromJson(m.path("policy"));
            JsonNode d = m.path("dataset");
            List<RegisteredVersion> versions = new ArrayList<>();
            for (JsonNode v : m.path("versions")) {
                versions.add(new RegisteredVersion(text(v, "versionId"), nullableText(v, "parentVersionId"),
                        nullableText(v, "batchId"), text(v, "status"), strings(v.path("requestIds")),
                        nullableText(v, "artifactDigest")));
            }
            return new RegisteredModel(text(m, "modelId"), FamilyCatalog.require(text(m, "family")), text(m, "baseVersionId"),
                    text(m, "currentVersionId"), m.path("architecture"), policy,
                    new TrainingData(text(d, "name"), d.path("subjects").asInt(), d.path("samples").asInt()), versions);
        } catch (IllegalArgumentException e) {
            throw new ModelRegistryUnavailableException("model " + modelId + ": the registry's answer does not have "
                    + "the expected shape: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "' in " + abbreviate(node.toString()));
        }
        return value.asText();
    }

    private static String nullableText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelRegistryUnavailableException("interrupted while retrying the model-registry", e);
        }
    }
}
