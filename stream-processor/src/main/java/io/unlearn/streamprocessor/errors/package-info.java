/** Failures of the stream-processor, rooted at {@link io.unlearn.streamprocessor.errors.StreamProcessorException}. */
package io.unlearn.streamprocessor.errors;
