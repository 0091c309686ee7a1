/**
 * What follows a verdict: VERIFIED statuses after a pass; after a failure the batch's next attempt (stronger
 * settings, then exact retraining) with BATCHED statuses, or terminal FAILED statuses once exact retraining failed.
 */
package io.unlearn.verifier.escalation;
