/** The stream-processor's rules as plain methods (validation, resolution to models, batch closing), testable without Kafka. */
package io.unlearn.streamprocessor.domain;
