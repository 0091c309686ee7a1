package io.unlearn.registry.registration;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training data of a base model, as far as deletion needs it: the dataset's name and, per subject, the
 * stable ids of the samples it owns. Published as one ManifestEntry per subject.
 *
 * @param name     dataset name, e.g. {@code fashion-mnist}
 * @param subjects subject id to sample ids, in request order
 */
public record TrainingDataset(String name, Map<String, List<String>> subjects) {

    public TrainingDataset {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        subjects.forEach((subject, samples) -> copy.put(subject, List.copyOf(samples)));
        subjects = Collections.unmodifiableMap(copy);
    }

    /** Total number of sample ids over all subjects. */
    public int sampleCount() {
        return subjects.values().stream().mapToInt(List::size).sum();
    }
}
