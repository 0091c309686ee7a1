package io.unlearn.kit.receipts;

import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * The registry's receipt key: the Ed25519 private key it signs receipts with, its public key, and the key id a
 * receipt names (see {@link ReceiptKeys#keyId}).
 */
public record ReceiptKey(PrivateKey privateKey, PublicKey publicKey, String keyId) {

    @Override
    public String toString() {
        return "ReceiptKey[Ed25519, keyId=" + keyId + "]"; // never the private key
    }
}
