/** The registry's queryable state, rebuilt from the lineage, request-status and training-manifest topics. */
package io.unlearn.registry.state;
