package io.unlearn.unlearning.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.unlearn.unlearning.errors.InvalidForgetRequestException;
import io.unlearn.unlearning.internal.data.SyntheticImages;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnlearningDataTest {

    private final ImageSet train = SyntheticImages.generate(100, 4, 4, 0.1f, 1, 2, "train");
    private final ImageSet test = SyntheticImages.generate(40, 4, 4, 0.1f, 1, 3, "test");

    @Test
    void shouldSplitBySampleIdsIntoDisjointForgetAndRetainSets() {
        UnlearningData data = UnlearningData.of(train, test, ForgetRequest.ofSamples(Set.of("3", "17", "99")));

        assertArrayEquals(new int[] {3, 17, 99}, data.forgetPositions());
        assertEquals(97, data.retainPositions().length);
        assertTrue(Arrays.stream(data.retainPositions()).noneMatch(p -> p == 3 || p == 17 || p == 99));
        assertFalse(data.classLevel());
        assertEquals(40, data.testPositions().length);
    }

    @Test
    void shouldGiveEachSubjectTenConsecutiveSamples() {
        UnlearningData data = UnlearningData.of(train, test, ForgetRequest.ofSubjects(Set.of("subject-2")));

        assertArrayEquals(new int[] {20, 21, 22, 23, 24, 25, 26, 27, 28, 29}, data.forgetPositions());
        assertEquals("subject-2", ImageSet.subjectOf(29));
        assertEquals("subject-3", ImageSet.subjectOf(30));
    }

    @Test
    void shouldForgetEveryTrainingSampleOfAClassAndKeepOnlyOtherClassesInTheTestSet() {
        UnlearningData data = UnlearningData.of(train, test, ForgetRequest.ofClasses(1));

        assertTrue(data.classLevel());
        assertEquals(25, data.forgetPositions().length);
        assertTrue(Arrays.stream(data.forgetPositions()).allMatch(p -> train.label(p) == 1));
        assertTrue(Arrays.stream(data.retainPositions()).noneMatch(p -> train.label(p) == 1));
        assertTrue(Arrays.stream(data.testPositions()).noneMatch(p -> test.label(p) == 1));
        assertEquals(10, data.testForgetPositions().length);
    }

    @Test
    void shouldKeepSampleIdsWhenTheTrainingSetIsASubset() {
        ImageSet subset = train.subset(new int[] {50, 51, 52}, "subset");

        UnlearningData data = UnlearningData.of(subset, test, ForgetRequest.ofSamples(Set.of("51")));

        assertArrayEquals(new int[] {1}, data.forgetPositions());
    }

    @Test
    void shouldRejectUnknownSampleIdsSubjectsAndClassesNamingTheValue() {
        InvalidForgetRequestException sample = assertThrows(InvalidForgetRequestException.class,
                () -> UnlearningData.of(train, test, ForgetRequest.ofSamples(Set.of("100"))));
        assertTrue(sample.getMessage().contains("'100'"), sample.getMessage());
        InvalidForgetRequestException subject = assertThrows(InvalidForgetRequestException.class,
                () -> UnlearningData.of(train, test, ForgetRequest.ofSubjects(Set.of("subject-10"))));
        assertTrue(subject.getMessage().contains("'subject-10'"), subject.getMessage());
        InvalidForgetRequestException label = assertThrows(InvalidForgetRequestException.class,
                () -> UnlearningData.of(train, test, ForgetRequest.ofClasses(4)));
        assertTrue(label.getMessage().contains("class 4"), label.getMessage());
        assertThrows(InvalidForgetRequestException.class,
                () -> UnlearningData.of(train, test, new ForgetRequest(Set.of(), Set.of(), Set.of())));
    }

    @Test
    void shouldExcludeAlreadyForgottenSamplesFromBothTheForgetAndTheRetainSet() {
        ForgetRequest earlier = new ForgetRequest(Set.of("5"), Set.of("subject-1"), Set.of());

        UnlearningData data = UnlearningData.of(train, test, ForgetRequest.ofSamples(Set.of("3", "5", "17")), earlier);

        assertArrayEquals(new int[] {3}, data.forgetPositions());
        assertEquals(100 - 1 - 11, data.retainPositions().length);
        assertTrue(Arrays.stream(data.retainPositions()).noneMatch(p -> p == 3 || p == 5 || (p >= 10 && p < 20)));
    }

    @Test
    void shouldLeaveClassesForgottenEarlierOutOfTheTestSet() {
        UnlearningData data = UnlearningData.of(train, test, ForgetRequest.ofSamples(Set.of("0")),
                ForgetRequest.ofClasses(2));

        assertTrue(Arrays.stream(data.retainPositions()).noneMatch(p -> train.label(p) == 2));
        assertTrue(Arrays.stream(data.testPositions()).noneMatch(p -> test.label(p) == 2));
        assertEquals(30, data.testPositions().length);
        assertFalse(data.classLevel());
    }

    @Test
    void shouldRejectARequestWhoseSamplesAreAllForgottenAlready() {
        InvalidForgetRequestException e = assertThrows(InvalidForgetRequestException.class, () -> UnlearningData.of(
                train, test, ForgetRequest.ofSamples(Set.of("12")), ForgetRequest.ofSubjects(Set.of("subject-1"))));

        assertTrue(e.getMessage().contains("already forgotten"), e.getMessage());
    }

    @Test
    void shouldCombineAndSubtractRequestsComponentByComponent() {
        ForgetRequest a = new ForgetRequest(Set.of("1", "2"), Set.of("subject-3"), Set.of(0));
        ForgetRequest b = new ForgetRequest(Set.of("2", "9"), Set.of(), Set.of(1));

        assertEquals(new ForgetRequest(Set.of("1", "2", "9"), Set.of("subject-3"), Set.of(0, 1)), a.union(b));
        assertEquals(new ForgetRequest(Set.of("9"), Set.of(), Set.of(1)), a.union(b).minus(a));
        assertTrue(a.minus(a).isEmpty());
        assertTrue(ForgetRequest.none().isEmpty());
        assertFalse(b.isEmpty());
    }
}
