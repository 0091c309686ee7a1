/** The unlearn-worker: turns each batch of deletion requests into one unlearned candidate model version. */
package io.unlearn.worker;
