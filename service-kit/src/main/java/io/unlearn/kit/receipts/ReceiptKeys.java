package io.unlearn.kit.receipts;

import io.unlearn.kit.artifacts.Digests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Reading, writing and naming receipt keys, with the JDK's own Ed25519 (no extra dependency). The private key is a
 * PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----}), as {@code openssl genpkey -algorithm ed25519} writes it;
 * the public key travels as X.509 SubjectPublicKeyInfo, in PEM ({@code -----BEGIN PUBLIC KEY-----}) or base64.
 * A key's id is the SHA-256 (lowercase hex) of that X.509 encoding of its public key.
 */
public final class ReceiptKeys {

    /** The signature algorithm of every receipt, as the JDK names it and as a receipt's signature states it. */
    public static final String ALGORITHM = "Ed25519";

    private static final String PRIVATE_PEM = "PRIVATE KEY";
    private static final String PUBLIC_PEM = "PUBLIC KEY";

    private ReceiptKeys() {
    }

    /**
     * Reads a PKCS#8 PEM Ed25519 private key and derives its public key.
     *
     * @throws IllegalArgumentException naming the file when it is not such a key
     */
    public static ReceiptKey load(Path pemFile) throws IOException {
        String pem = Files.readString(pemFile, StandardCharsets.US_ASCII);
        PrivateKey privateKey;
        try {
            privateKey = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der(pem,
                    PRIVATE_PEM)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(pemFile + " is not an Ed25519 private key in PKCS#8 PEM (make one with"
                    + " openssl genpkey -algorithm ed25519 -out " + pemFile.getFileName() + "): " + e.getMessage(), e);
        }
        return withPublicKey(privateKey);
    }

    /** A new key, written to {@code pemFile} as PKCS#8 PEM readable by its owner only. */
    public static ReceiptKey generate(Path pemFile) throws IOException {
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no " + ALGORITHM + " (Java 15+ does)", e);
        }
        Path parent = pemFile.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.deleteIfExists(pemFile);
        try {
            // created owner-only, so the private key is never readable by others, not even for a moment
            Files.createFile(pemFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(pemFile); // not a POSIX file system: the directory's default permissions
        }
        Files.writeString(pemFile, pem(PRIVATE_PEM, pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        return new ReceiptKey(pair.getPrivate(), pair.getPublic(), keyId(pair.getPublic()));
    }

    /** The key id: SHA-256 (lowercase hex) of the public key's X.509 encoding. */
    public static String keyId(PublicKey publicKey) {
        return Digests.sha256Hex(publicKey.getEncoded());
    }

    /** A public key as PEM ({@code -----BEGIN PUBLIC KEY-----}). */
    public static String publicKeyPem(PublicKey publicKey) {
        return pem(PUBLIC_PEM, publicKey.getEncoded());
    }

    /**
     * Reads a public key from PEM or from the bare base64 of its X.509 encoding.
     *
     * @throws IllegalArgumentException when the text is neither, or not an Ed25519 key
     */
    public static PublicKey readPublicKey(String pemOrBase64) {
        byte[] der = pemOrBase64.contains("-----BEGIN") ? der(pemOrBase64, PUBLIC_PEM)
                : Base64.getMimeDecoder().decode(pemOrBase64.strip());
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key (X.509 SubjectPublicKeyInfo): "
                    + e.getMessage(), e);
        }
    }

    /**
     * The public key of a private one. The JDK exposes no Ed25519 point multiplication, but its key-pair generator
     * turns 32 random bytes into the private key and derives the public key from them; fed the private key's own
     * bytes, it derives this key's public key. A test signature proves the pair matches.
     */
    private static ReceiptKey withPublicKey(PrivateKey privateKey) {
        byte[] secret = ((EdECPrivateKey) privateKey).getBytes().orElseThrow(() -> new IllegalArgumentException(
                "the private key does not expose its bytes"));
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
                @Override
                public void nextBytes(byte[] bytes) {
                    System.arraycopy(secret, 0, bytes, 0, Math.min(secret.length, bytes.length));
                }
            });
            PublicKey publicKey = generator.generateKeyPair().getPublic();
            byte[] probe = "receipt key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalStateException("could not derive the public key of the receipt key on this JDK");
            }
            return new ReceiptKey(privateKey, publicKey, keyId(publicKey));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the public key of an " + ALGORITHM + " key", e);
        }
    }

    private static byte[] der(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no " + begin + " ... " + end + " block");
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to).strip());
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
