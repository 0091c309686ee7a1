/** Micrometer metrics of the stream-processor and the HTTP endpoint that serves them with the health check. */
package io.unlearn.streamprocessor.observability;
