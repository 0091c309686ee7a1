package io.unlearn.unlearning.spi;

import io.unlearn.unlearning.errors.InvalidForgetRequestException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The forget / retain / test split of one batch: D_f (the samples the request names), D_r = D \ D_f and the
 * test set D_t.
 *
 * <p>For a class-level request, D_t and the membership-inference non-members are restricted accordingly:
 * {@link #testPositions()} holds the test samples of the retained classes and {@link #testForgetPositions()}
 * the test samples of the forgotten classes. Classes an earlier version already forgot are left out of D_t (see
 * {@link #of(ImageSet, ImageSet, ForgetRequest, ForgetRequest)}).
 */
public final class UnlearningData {

    private final ImageSet train;
    private final ImageSet test;
    private final ForgetRequest request;
    private final int[] forget;
    private final int[] retain;
    private final int[] testRetained;
    private final int[] testForgotten;
    private final Set<Integer> forgottenClasses;

    private UnlearningData(ImageSet train, ImageSet test, ForgetRequest request, Set<Integer> excludedTestClasses,
            int[] forget, int[] retain) {
        this.train = train;
        this.test = test;
        this.request = request;
        this.forget = forget;
        this.retain = retain;
        this.forgottenClasses = Set.copyOf(request.classes());
        List<Integer> kept = new ArrayList<>();
        List<Integer> gone = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            int label = test.label(i);
            if (request.classLevel() && forgottenClasses.contains(label)) {
                gone.add(i);
            } else if (!excludedTestClasses.contains(label)) {
                kept.add(i);
            }
        }
        this.testRetained = kept.stream().mapToInt(Integer::intValue).toArray();
        this.testForgotten = gone.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Resolves a request against a training set.
     *
     * @param train D, whose sample ids the request names
     * @param test D_t
     * @param request what to forget
     * @return the split
     * @throws InvalidForgetRequestException when a sample id, subject or class does not exist, or D_f is empty
     */
    public static UnlearningData of(ImageSet train, ImageSet test, ForgetRequest request) {
        return of(train, test, request, ForgetRequest.none());
    }

    /**
     * Resolves a request against a training set for a model that has already forgotten some samples (a version
     * further down a chain): D_f = the request's samples not already forgotten, D_r = D minus both, and D_t leaves
     * out every class forgotten earlier as well (the model can no longer predict them).
     *
     * @param train D, whose sample ids the request names
     * @param test D_t
     * @param request what this batch forgets
     * @param alreadyForgotten what the parent version forgot ({@link ModelHandle#forgotten()}); must be valid for D
     * @return the split
     * @throws InvalidForgetRequestException when a sample id, subject or class does not exist, or when nothing
     *     is left to forget (the request is empty or everything it names is already forgotten)
     */
    public static UnlearningData of(ImageSet train, ImageSet test, ForgetRequest request,
            ForgetRequest alreadyForgotten) {
        TreeSet<Integer> forget = positions(train, request);
        if (forget.isEmpty()) {
            throw new InvalidForgetRequestException("the request selects no sample of " + train.name()
                    + ": name at least one sample id, subject or class");
        }
        Set<Integer> earlier = alreadyForgotten.isEmpty() ? Set.of() : positions(train, alreadyForgotten);
        forget.removeAll(earlier);
        if (forget.isEmpty()) {
            throw new InvalidForgetRequestException("every sample the request names is already forgotten by this"
                    + " model version (" + describe(request) + "); there is nothing left to unlearn");
        }
        int[] f = forget.stream().mapToInt(Integer::intValue).toArray();
        int[] r = new int[train.size() - f.length - earlier.size()];
        int k = 0;
        for (int i = 0; i < train.size(); i++) {
            if (!forget.contains(i) && !earlier.contains(i)) {
                r[k++] = i;
            }
        }
        Set<Integer> excludedTestClasses = new TreeSet<>(alreadyForgotten.classes());
        return new UnlearningData(train, test, request, excludedTestClasses, f, r);
    }

    /**
     * Checks that a request names only what D has: every sample id, subject and class.
     *
     * @param train D
     * @param request what to forget
     * @return why it cannot be served (the first unknown sample id, subject or class), or empty when it can
     */
    public static Optional<String> problem(ImageSet train, ForgetRequest request) {
        try {
            positions(train, request);
            return Optional.empty();
        } catch (InvalidForgetRequestException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The training positions a request names; validates every id, subject and class. */
    private static TreeSet<Integer> positions(ImageSet train, ForgetRequest request) {
        Map<Integer, Integer> positionOfId = new HashMap<>();
        for (int i = 0; i < train.size(); i++) {
            positionOfId.put(train.id(i), i);
        }
        TreeSet<Integer> forget = new TreeSet<>();
        for (String sampleId : request.sampleIds()) {
            Integer position = parseId(sampleId, positionOfId, train);
            forget.add(position);
        }
        Set<String> subjects = request.subjectIds();
        Set<String> seenSubjects = new TreeSet<>();
        for (int c : request.classes()) {
            if (c < 0 || c >= train.numClasses()) {
                throw new InvalidForgetRequestException("class " + c + " does not exist in " + train.name()
                        + "; valid classes are 0.." + (train.numClasses() - 1));
            }
        }
        for (int i = 0; i < train.size(); i++) {
            String subject = ImageSet.subjectOf(train.id(i));
            if (subjects.contains(subject)) {
                forget.add(i);
                seenSubjects.add(subject);
            }
            if (request.classes().contains(train.label(i))) {
                forget.add(i);
            }
        }
        for (String s : subjects) {
            if (!seenSubjects.contains(s)) {
                throw new InvalidForgetRequestException("subject '" + s + "' owns no sample of " + train.name()
                        + "; subjects are named subject-N and own " + ImageSet.SAMPLES_PER_SUBJECT
                        + " consecutive sample ids");
            }
        }
        return forget;
    }

    private static String describe(ForgetRequest request) {
        return request.sampleIds().size() + " sample ids, subjects " + new TreeSet<>(request.subjectIds())
                + ", classes " + new TreeSet<>(request.classes());
    }

    private static Integer parseId(String sampleId, Map<Integer, Integer> positionOfId, ImageSet train) {
        try {
            Integer position = positionOfId.get(Integer.parseInt(sampleId.trim()));
            if (position != null) {
                return position;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted form
        }
        throw new InvalidForgetRequestException("sample id '" + sampleId + "' is not in " + train.name()
                + "; sample ids are decimal indices in the training file (0.." + (train.size() - 1) + ")");
    }

    /** @return D, the full training set */
    public ImageSet train() {
        return train;
    }

    /** @return the test set */
    public ImageSet test() {
        return test;
    }

    /** @return the request this split was built from */
    public ForgetRequest request() {
        return request;
    }

    /** @return true when only classes are forgotten (methods switch to their class-level variant) */
    public boolean classLevel() {
        return request.classLevel();
    }

    /** @return the forgotten class labels (empty unless named) */
    public Set<Integer> forgottenClasses() {
        return forgottenClasses;
    }

    /** @return positions of D_f in {@link #train()} (a copy) */
    public int[] forgetPositions() {
        return forget.clone();
    }

    /** @return positions of D_r in {@link #train()} (a copy) */
    public int[] retainPositions() {
        return retain.clone();
    }

    /** @return positions of D_t in {@link #test()}: all test samples, or those of retained classes (a copy) */
    public int[] testPositions() {
        return testRetained.clone();
    }

    /** @return positions of test samples of forgotten classes (empty unless class-level; a copy) */
    public int[] testForgetPositions() {
        return testForgotten.clone();
    }

    @Override
    public String toString() {
        return "UnlearningData[|D_f|=" + forget.length + ", |D_r|=" + retain.length + ", |D_t|=" + testRetained.length
                + (classLevel() ? ", classes " + forgottenClasses : "") + "]";
    }
}
