/**
 * Measuring a candidate: its artifact and its parent's from the store (digests checked), the batch's split from the
 * models' cumulative forget sets, and the unlearning module's metrics for candidate, parent and, when a policy names
 * a gap metric, a retrained reference.
 */
package io.unlearn.verifier.evaluation;
