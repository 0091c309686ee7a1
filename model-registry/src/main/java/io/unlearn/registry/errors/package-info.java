/** The registry's failures, all under {@link io.unlearn.registry.errors.ModelRegistryException}, named after the condition. */
package io.unlearn.registry.errors;
