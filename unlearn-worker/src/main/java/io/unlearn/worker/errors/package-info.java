/** The unlearn-worker's exceptions, rooted at {@link io.unlearn.worker.errors.UnlearnWorkerException}. */
package io.unlearn.worker.errors;
