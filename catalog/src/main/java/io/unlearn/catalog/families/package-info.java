/** The families of the catalog, one description each: scopes, methods with their settings, metrics, default policy. */
package io.unlearn.catalog.families;
