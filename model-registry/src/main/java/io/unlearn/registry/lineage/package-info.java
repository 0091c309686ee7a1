/**
 * Appending to the tamper-evident lineage log: the head of each model's hash chain (hashing and checking a chain are
 * in service-kit's {@code io.unlearn.kit.lineage}, which the CLI shares).
 */
package io.unlearn.registry.lineage;
