/** The verifier's /health and /metrics endpoint and the meters it exposes. */
package io.unlearn.verifier.observability;
