/** The verifier's toolkit: accuracy, loss-based membership inference, linear probes and gaps to a reference (internal). */
package io.unlearn.unlearning.internal.metrics;
