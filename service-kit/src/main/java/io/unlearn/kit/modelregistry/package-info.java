/**
 * The model-registry's REST API seen from the services that act on models (unlearn-worker, verifier): which version
 * is current, which policy applies, which data the model was trained on. A contract like the Avro schemas, so it
 * lives here rather than in any one service.
 */
package io.unlearn.kit.modelregistry;
