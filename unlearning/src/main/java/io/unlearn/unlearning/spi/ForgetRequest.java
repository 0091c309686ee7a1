package io.unlearn.unlearning.spi;

import java.util.HashSet;
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
     * The empty request: what a base model has forgotten.
     *
     * @return a request naming nothing
     */
    public static ForgetRequest none() {
        return new ForgetRequest(Set.of(), Set.of(), Set.of());
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

    /**
     * Tells whether nothing is named.
     *
     * @return true when sample ids, subjects and classes are all empty
     */
    public boolean isEmpty() {
        return sampleIds.isEmpty() && subjectIds.isEmpty() && classes.isEmpty();
    }

    /**
     * Combines two requests, component by component; used to accumulate what a chain of versions forgot.
     *
     * @param other the other request
     * @return the ids, subjects and classes named by either
     */
    public ForgetRequest union(ForgetRequest other) {
        return new ForgetRequest(merged(sampleIds, other.sampleIds, true), merged(subjectIds, other.subjectIds, true),
                merged(classes, other.classes, true));
    }

    /**
     * Removes what another request names, component by component (by name, not by resolved samples: a subject
     * in {@code other} does not remove that subject's sample ids from this request).
     *
     * @param other the request to subtract, e.g. what the parent version already forgot
     * @return the ids, subjects and classes named here but not in {@code other}
     */
    public ForgetRequest minus(ForgetRequest other) {
        return new ForgetRequest(merged(sampleIds, other.sampleIds, false),
                merged(subjectIds, other.subjectIds, false), merged(classes, other.classes, false));
    }

    private static <T> Set<T> merged(Set<T> a, Set<T> b, boolean union) {
        Set<T> out = new HashSet<>(a);
        if (union) {
            out.addAll(b);
        } else {
            out.removeAll(b);
        }
        return out;
    }
}
