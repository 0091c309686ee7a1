/** What every service shares to be observed: the {@code /health} and {@code /metrics} endpoint and the metric names. */
package io.unlearn.kit.observability;
