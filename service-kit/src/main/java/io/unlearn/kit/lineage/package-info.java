/**
 * Reading the lineage log: the hash of a lineage event, the keys of its details, and the check of a hash chain; shared
 * by the model-registry, which writes the log, and the CLI, which checks receipts against it.
 */
package io.unlearn.kit.lineage;
