/**
 * The family catalog: every model family the system can unlearn, with the deletion scopes it serves, its
 * unlearning methods and their settings, the metrics its evaluation produces and whether exact retraining rebuilds
 * it; and the typed {@link io.unlearn.catalog.UnlearningPolicy} with its one JSON codec. Defined once here and used
 * by every service and by the ML core, which implements each family.
 */
package io.unlearn.catalog;
