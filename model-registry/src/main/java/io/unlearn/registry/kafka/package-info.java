/** The registry's Kafka side: creating its topics, replaying the log into the state, and the exactly-once lineage writer. */
package io.unlearn.registry.kafka;
