/**
 * Signed deletion receipts: their canonical JSON form, the Ed25519 receipt key, and the facts a receipt takes from
 * the lineage log; shared by the model-registry, which issues receipts, and the CLI, which verifies them.
 */
package io.unlearn.kit.receipts;
