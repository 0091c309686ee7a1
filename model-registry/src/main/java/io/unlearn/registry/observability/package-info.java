/** The model-registry's meter names. */
package io.unlearn.registry.observability;
