package io.unlearn.unlearning.spi;

import io.unlearn.unlearning.errors.InvalidForgetRequestException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The forget / retain / test split of one batch: D_f (the samples the request names), D_r = D \ D_f and the
 * test set D_t.
 *
 * <p>For a class-level request, D_t and the membership-inference non-members are restricted accordingly:
 * {@link #testPositions()} holds the test samples of the retained classes and {@link #testForgetPositions()}
 * the test samples of the forgotten classes.
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

    private UnlearningData(ImageSet train, ImageSet test, ForgetRequest request, int[] forget, int[] retain) {
        this.train = train;
        this.test = test;
        this.request = request;
        this.forget = forget;
        this.retain = retain;
        this.forgottenClasses = Set.copyOf(request.classes());
        List<Integer> kept = new ArrayList<>();
        List<Integer> gone = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            (request.classLevel() && forgottenClasses.contains(test.label(i)) ? gone : kept).add(i);
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
        if (forget.isEmpty()) {
            throw new InvalidForgetRequestException("the request selects no sample of " + train.name()
                    + ": name at least one sample id, subject or class");
        }
        int[] f = forget.stream().mapToInt(Integer::intValue).toArray();
        int[] r = new int[train.size() - f.length];
        int k = 0;
        for (int i = 0; i < train.size(); i++) {
            if (!forget.contains(i)) {
                r[k++] = i;
            }
        }
        return new UnlearningData(train, test, request, f, r);
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
