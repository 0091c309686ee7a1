package io.unlearn.unlearning.spi;

import java.util.Set;

/**
 * What a batch of deletion requests asks to forget, in the data set's own ids.
 *
 * <p>Sample ids are the decimal index of the sample in the training file ({@code "12345"}); subject ids are
 * {@code "subject-N"} (see {@link ImageSet#subjectOf(int)}); classes are label indices.
 *
 * @param sampleIds sample ids to forget
 * @param subjectIds subjects whose samples are all forgotten
 * @param classes classes whose training samples are all forgotten
 */
public record ForgetRequest(Set<String> sampleIds, Set<String> subjectIds, Set<Integer> classes) {

    /** Copies the sets. */
    public ForgetRequest {
        sampleIds = Set.copyOf(sampleIds);
        subjectIds = Set.copyOf(subjectIds);
        classes = Set.copyOf(classes);
    }

    /**
     * A request to forget whole classes.
     *
     * @param classes the class labels
     * @return the request
     */
    public static ForgetRequest ofClasses(Integer... classes) {
        return new ForgetRequest(Set.of(), Set.of(), Set.of(classes));
    }

    /**
     * A request to forget samples.
     *
     * @param sampleIds the sample ids
     * @return the request
     */
    public static ForgetRequest ofSamples(Set<String> sampleIds) {
        return new ForgetRequest(sampleIds, Set.of(), Set.of());
    }

    /**
     * A request to forget subjects.
     *
     * @param subjectIds the subject ids
     * @return the request
     */
    public static ForgetRequest ofSubjects(Set<String> subjectIds) {
        return new ForgetRequest(Set.of(), subjectIds, Set.of());
    }

    /**
     * Tells whether only classes are named, which switches methods to their class-level variant.
     *
     * @return true for a pure class request
     */
    public boolean classLevel() {
        return !classes.isEmpty() && sampleIds.isEmpty() && subjectIds.isEmpty();
    }
}
