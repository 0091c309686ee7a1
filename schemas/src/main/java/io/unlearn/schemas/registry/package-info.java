/** Clients of a Confluent-compatible schema registry over its REST API. */
package io.unlearn.schemas.registry;
