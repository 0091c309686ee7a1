/** The verdict on measured metrics: every threshold of a policy checked in order, with a readable reason. */
package io.unlearn.verifier.verdict;
