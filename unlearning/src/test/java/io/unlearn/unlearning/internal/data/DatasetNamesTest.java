package io.unlearn.unlearning.internal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.unlearn.unlearning.errors.UnlearningException;
import io.unlearn.unlearning.spi.Dataset;
import io.unlearn.unlearning.spi.Unlearning;
import org.junit.jupiter.api.Test;

class DatasetNamesTest {

    @Test
    void shouldGenerateTheSameSyntheticSetForTheSameName() {
        Dataset a = Unlearning.dataset("synthetic?samples=80&classes=4&side=6&seed=3");
        Dataset b = Unlearning.dataset("synthetic?samples=80&classes=4&side=6&seed=3");

        assertEquals(80, a.train().size());
        assertEquals(20, a.test().size());
        assertEquals(4, a.train().numClasses());
        assertEquals(6, a.train().rows());
        float[] pa = new float[36];
        float[] pb = new float[36];
        a.train().copyPixels(79, pa, 0);
        b.train().copyPixels(79, pb, 0);
        assertArrayEquals(pa, pb);
        assertArrayEquals(a.train().labels(), b.train().labels());
    }

    @Test
    void shouldUseTheDocumentedDefaultsForAPlainSyntheticName() {
        Dataset d = Unlearning.dataset("synthetic");

        assertEquals(600, d.train().size());
        assertEquals(150, d.test().size());
        assertEquals(12, d.train().cols());
    }

    @Test
    void shouldRejectUnknownNamesAndParametersNamingTheAcceptedForms() {
        UnlearningException name = assertThrows(UnlearningException.class, () -> Unlearning.dataset("cifar"));
        assertTrue(name.getMessage().contains("'cifar'") && name.getMessage().contains("fashion-mnist"),
                name.getMessage());
        UnlearningException key = assertThrows(UnlearningException.class,
                () -> Unlearning.dataset("synthetic?colours=3"));
        assertTrue(key.getMessage().contains("colours=3"), key.getMessage());
        UnlearningException value = assertThrows(UnlearningException.class,
                () -> Unlearning.dataset("synthetic?samples=-5"));
        assertTrue(value.getMessage().contains("samples=-5"), value.getMessage());
    }
}
