package io.unlearn.registry.http;

import io.unlearn.registry.ReadAccess;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;

/**
 * The REST API's credential check: a request changes state (and, with {@link ReadAccess#TOKEN}, reads) only with
 * {@code Authorization: Bearer <token>} carrying the configured token.
 *
 * <p>The comparison takes the same time whatever the candidate: both sides are hashed to SHA-256 first, so
 * {@link MessageDigest#isEqual} always compares 32 bytes and neither the token's length nor the position of the
 * first wrong character shows in the answer's timing.
 */
public final class BearerAuth {

    /** The {@code WWW-Authenticate} challenge of a 401 (RFC 6750). */
    public static final String CHALLENGE = "Bearer realm=\"model-registry\"";

    private final byte[] tokenDigest;
    private final ReadAccess reads;

    private BearerAuth(byte[] tokenDigest, ReadAccess reads) {
        this.tokenDigest = tokenDigest;
        this.reads = reads;
    }

    /** Writes and, with {@code reads=TOKEN}, reads need {@code token}. */
    public static BearerAuth token(String token, ReadAccess reads) {
        if (Objects.requireNonNull(token, "token").isEmpty()) {
            throw new IllegalArgumentException("the token must not be empty");
        }
        return new BearerAuth(sha256(token), Objects.requireNonNull(reads, "reads"));
    }

    /** No check at all ({@code http.auth.disabled=true}). */
    public static BearerAuth disabled() {
        return new BearerAuth(null, ReadAccess.OPEN);
    }

    /** Whether a request of this kind must carry the token. */
    public boolean required(boolean write) {
        return tokenDigest != null && (write || reads == ReadAccess.TOKEN);
    }

    /**
     * @param authorization the request's {@code Authorization} header, or null
     * @return whether it carries the configured token (always true when the check is disabled)
     */
    public boolean accepts(String authorization) {
        if (tokenDigest == null) {
            return true;
        }
        if (authorization == null || authorization.length() < 7
                || !authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(authorization.substring(7).strip()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
