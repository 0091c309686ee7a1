package io.unlearn.kit.modelregistry;

/**
 * The data a model was trained on, as the registry summarizes it. Which samples a subject owns travels on the
 * training-manifest topic, and batches arrive with subjects already resolved to sample ids, so services need only
 * the dataset's name here (the unlearning module resolves it to images).
 *
 * @param name     e.g. {@code fashion-mnist}
 * @param subjects number of subjects in the registered manifest
 * @param samples  number of sample ids in the registered manifest
 */
public record TrainingData(String name, int subjects, int samples) {
}
