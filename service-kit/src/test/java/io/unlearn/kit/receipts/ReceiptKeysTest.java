package io.unlearn.kit.receipts;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ReceiptKeysTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadBackAGeneratedKeyWithItsPublicKeyAndOwnerOnlyPermissions() throws Exception {
        ReceiptKey generated = ReceiptKeys.generate(dir.resolve("receipt-key.pem"));

        ReceiptKey loaded = ReceiptKeys.load(dir.resolve("receipt-key.pem"));

        assertEquals(generated.keyId(), loaded.keyId());
        assertEquals(generated.publicKey(), loaded.publicKey());
        assertEquals(generated.keyId(), ReceiptKeys.keyId(ReceiptKeys.readPublicKey(
                ReceiptKeys.publicKeyPem(loaded.publicKey()))));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("receipt-key.pem"))));
    }

    @Test
    void shouldReadAKeyMadeByOpenssl() throws Exception {
        Path pem = dir.resolve("openssl.pem");
        Process openssl;
        try {
            openssl = new ProcessBuilder("openssl", "genpkey", "-algorithm", "ed25519", "-out", pem.toString())
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "openssl is not installed: " + e.getMessage());
            return;
        }
        assumeTrue(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0, "openssl genpkey failed");
        Process pub = new ProcessBuilder("openssl", "pkey", "-in", pem.toString(), "-pubout").start();
        String publicPem = new String(pub.getInputStream().readAllBytes());
        pub.waitFor(30, TimeUnit.SECONDS);

        ReceiptKey key = ReceiptKeys.load(pem);

        assertEquals(ReceiptKeys.readPublicKey(publicPem), key.publicKey(), "the derived public key is openssl's");
    }

    @Test
    void shouldVerifyASignatureOnlyUnderTheKeyThatMadeIt() throws Exception {
        ReceiptKey signer = ReceiptKeys.generate(dir.resolve("a.pem"));
        ReceiptKey other = ReceiptKeys.generate(dir.resolve("b.pem"));
        ObjectNode receipt = JsonNodeFactory.instance.objectNode().put("requestId", "r-1");

        ObjectNode document = Receipts.sign(receipt, signer);
        byte[] signature = Base64.getDecoder().decode(document.get("signature").get("value").asText());

        assertEquals(signer.keyId(), document.get("signature").get("keyId").asText());
        assertTrue(Receipts.signatureHolds(receipt, signature, signer.publicKey()));
        assertFalse(Receipts.signatureHolds(receipt, signature, other.publicKey()));
        assertFalse(Receipts.signatureHolds(receipt.deepCopy().put("requestId", "r-2"), signature,
                signer.publicKey()));
    }

    @Test
    void shouldNameTheFileThatIsNoPrivateKey() throws Exception {
        Path file = Files.writeString(dir.resolve("nonsense.pem"), "hello");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReceiptKeys.load(file));

        assertTrue(e.getMessage().startsWith(file + " is not an Ed25519 private key in PKCS#8 PEM"), e.getMessage());
    }
}
