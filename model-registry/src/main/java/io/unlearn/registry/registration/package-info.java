/** Base-model registration: the request a trainer sends, its parts (policy, thresholds, training data) and their validation. */
package io.unlearn.registry.registration;
