package io.unlearn.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.unlearn.cli.errors.NotFoundException;
import io.unlearn.cli.requests.RequestOutcomes;
import io.unlearn.kit.modelregistry.ModelRegistryClient;
import io.unlearn.schemas.v1.RequestState;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The model-registry's answers the commands show, with a 404 turned into exit code 5 where it is one. */
final class RegistryDocuments {

    private RegistryDocuments() {
    }

    /** An id as one URL path segment ({@link URLEncoder} writes a space as {@code +}, which a path reads literally). */
    static String segment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static JsonNode require(ModelRegistryClient registry, String path, String whatIsMissing) {
        return registry.getJson(path).orElseThrow(() -> new NotFoundException(whatIsMissing + " (GET "
                + registry.baseUrl() + path + " answered 404)"));
    }

    static Optional<JsonNode> find(ModelRegistryClient registry, String path) {
        return registry.getJson(path);
    }

    /** A field's text, or null when absent or JSON null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static String abbreviate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    /** A request's outcome from its {@code GET /requests/{id}} answer, by the same rule {@code send --wait} uses. */
    static RequestOutcomes.Summary outcome(String requestId, JsonNode request) {
        RequestOutcomes outcomes = new RequestOutcomes(RequestOutcomes.Until.VERIFIED);
        for (JsonNode s : request.path("history")) {
            outcomes.add(requestId, new RequestOutcomes.Step(RequestState.valueOf(text(s, "state")),
                    text(s, "modelId"), text(s, "versionId"), text(s, "reason")));
        }
        return outcomes.summary(requestId);
    }
}
