/** The model registry service: versions, lineage, artifacts, aliases and per-request audit. */
package io.unlearn.registry;
