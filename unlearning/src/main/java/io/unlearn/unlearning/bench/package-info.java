/** The Fashion-MNIST unlearning benchmark program (not a test; run it with {@code bin/bench-unlearning}). */
package io.unlearn.unlearning.bench;
