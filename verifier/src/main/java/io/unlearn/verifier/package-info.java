/**
 * The verifier service: judges each candidate model version by its policy's thresholds and publishes the verdict,
 * the requests' statuses and, after a failure, the batch's next attempt.
 */
package io.unlearn.verifier;
