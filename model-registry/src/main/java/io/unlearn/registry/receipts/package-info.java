/** Signed deletion receipts: what the registry attests for a request that a model excludes, and its receipt key. */
package io.unlearn.registry.receipts;
