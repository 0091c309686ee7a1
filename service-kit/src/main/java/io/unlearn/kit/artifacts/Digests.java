package io.unlearn.kit.artifacts;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 digests as lowercase hex, the only form of artifact name the registry accepts. */
public final class Digests {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private Digests() {
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /** Whether {@code name} is a SHA-256 digest in lowercase hex (and therefore safe to use as a file name). */
    public static boolean isSha256Hex(String name) {
        return name != null && SHA256_HEX.matcher(name).matches();
    }

    /** Rejects anything that is not a digest, with a message naming the value. */
    public static String requireSha256Hex(String name) {
        if (!isSha256Hex(name)) {
            throw new IllegalArgumentException("artifact digest must be 64 lowercase hex characters (SHA-256), got '"
                    + name + "'");
        }
        return name;
    }
}
