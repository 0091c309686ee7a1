package io.unlearn.registry.http;

import io.unlearn.registry.registration.BaseModelRegistration;
import io.unlearn.schemas.v1.LineageEvent;

import java.util.List;

/**
 * What {@code POST /models} calls once a registration is valid: store the artifact and append the lineage.
 * The service writes through Kafka; tests use an in-memory implementation.
 */
@FunctionalInterface
public interface Registrar {

    /**
     * Stores the artifact and records the base model; returns once the events are visible to queries.
     *
     * @throws io.unlearn.registry.errors.ModelAlreadyRegisteredException if the model id is taken
     * @throws io.unlearn.registry.errors.RegistryUnavailableException     if it cannot be recorded now
     */
    List<LineageEvent> register(BaseModelRegistration registration);
}
