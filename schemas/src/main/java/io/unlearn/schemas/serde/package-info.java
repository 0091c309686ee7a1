/** Kafka serdes for the Avro contracts in the Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary. */
package io.unlearn.schemas.serde;
