/** Which model ids exist: the lookup behind the "unknown model" validation rule. */
package io.unlearn.streamprocessor.catalog;
