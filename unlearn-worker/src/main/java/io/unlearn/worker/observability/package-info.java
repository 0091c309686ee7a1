/** The unlearn-worker's metrics and its HTTP health and metrics endpoint. */
package io.unlearn.worker.observability;
