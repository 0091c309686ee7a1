package io.unlearn.schemas;

import io.unlearn.schemas.errors.SchemaContractException;
import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry API the pipeline needs.
 * Implementations: {@link io.unlearn.schemas.registry.RestSchemaRegistryClient} (REST, with caching and retries)
 * and an in-memory one for topology tests (schemas test-jar).
 * Every method throws a {@link SchemaContractException} subclass with a readable message on failure.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with global id {@code id}; throws {@link io.unlearn.schemas.errors.UnknownSchemaIdException}. */
    Schema getById(int id);

    /** The latest version registered under {@code subject}. */
    RegisteredSchema latest(String subject);

    /** Whether {@code schema} may be registered under {@code subject} by the subject's compatibility rule. */
    boolean isCompatible(String subject, Schema schema);

    @Override
    default void close() {
    }

    /** A schema as stored by the registry. */
    record RegisteredSchema(String subject, int id, int version, Schema schema) {
    }
}
