package io.unlearn.registry.registration;

import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.UnlearningPolicy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A validated request to register a base model: the root of a new lineage. Built only by
 * {@link RegistrationParser}, which checks every field.
 *
 * @param modelId       the model's id (key of every topic that concerns it)
 * @param baseVersionId id of the base version; {@value #DEFAULT_BASE_VERSION_ID} unless the request names one
 * @param family        the model family
 * @param architecture  the family's architecture settings, as the JSON object the request sent
 * @param policy        method, settings and verification thresholds
 * @param dataset       training data manifest
 * @param artifact      the base parameters (sent base64-encoded in the JSON body)
 */
public record BaseModelRegistration(String modelId, String baseVersionId, FamilySpec family,
                                    Map<String, Object> architecture, UnlearningPolicy policy, TrainingDataset dataset,
                                    byte[] artifact) {

    public static final String DEFAULT_BASE_VERSION_ID = "base";

    public BaseModelRegistration {
        architecture = Collections.unmodifiableMap(new LinkedHashMap<>(architecture));
    }
}
