/** The one HTTP endpoint every service serves: {@code /health} and {@code /metrics}. */
package io.unlearn.kit.observability;
