/** Consuming records whose processing takes minutes, with outputs and offsets committed in one Kafka transaction. */
package io.unlearn.kit.processing;
