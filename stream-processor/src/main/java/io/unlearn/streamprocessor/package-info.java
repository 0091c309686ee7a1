/** The stream-processor service: turns deletion requests into per-model unlearning batches and request statuses, exactly once. */
package io.unlearn.streamprocessor;
