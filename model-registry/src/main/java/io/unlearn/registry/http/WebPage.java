package io.unlearn.registry.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The registry's web page: {@code index.html}, its script and its style sheet, served as they are from this
 * package's {@code web/} resources (plain HTML, CSS and JavaScript: no build step, nothing fetched from another
 * host). The page only reads the REST API; it holds no data itself, so it is served without the read token and
 * asks the user for the token when the API answers 401.
 */
final class WebPage {

    /** The file served at {@code GET /}; the others are at {@code GET /web/<name>}. */
    static final String INDEX = "index.html";

    /**
     * Same origin only, no inline script or style: model, version and request ids come from upstream input, and
     * should one ever reach the page as markup this keeps it from running.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";

    private static final Map<String, String> CONTENT_TYPES = Map.of(
            INDEX, "text/html; charset=utf-8",
            "registry.js", "text/javascript; charset=utf-8",
            "registry.css", "text/css; charset=utf-8");

    /** A file of the page and how it is served. */
    record Asset(String text, String contentType) {
    }

    private static final Map<String, Asset> ASSETS = load();

    private WebPage() {
    }

    /** The named file of the page; empty for any name that is not one of them. */
    static Optional<Asset> asset(String name) {
        return Optional.ofNullable(ASSETS.get(name));
    }

    private static Map<String, Asset> load() {
        Map<String, Asset> assets = new HashMap<>();
        CONTENT_TYPES.forEach((name, type) -> {
            try (InputStream in = WebPage.class.getResourceAsStream("web/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("web page resource web/" + name + " is missing from the jar");
                }
                assets.put(name, new Asset(new String(in.readAllBytes(), StandardCharsets.UTF_8), type));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read web page resource web/" + name, e);
            }
        });
        return Map.copyOf(assets);
    }
}
