/** The tamper-evident lineage log: per-model hash chains over LineageEvent records, and their verification. */
package io.unlearn.registry.lineage;
