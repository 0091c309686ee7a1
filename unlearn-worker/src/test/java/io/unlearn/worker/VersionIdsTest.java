package io.unlearn.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class VersionIdsTest {

    @Test
    void shouldDeriveTheIdFromModelParentBatchAndAttemptAsTheContractSpells() {
        // Given / When / Then: sha256("m1\nv-base\nm1-000001\n0") starts with f76b41a5acc07880e78b (sha256sum)
        assertEquals("v-f76b41a5acc07880e78b", VersionIds.of("m1", "v-base", "m1-000001", 0));
        assertEquals("v-c1144d1b746123b53b0c", VersionIds.of("m1", "v-base", "m1-000001", 1));
    }

    @Test
    void shouldGiveTheSameIdForARedeliveredBatchAndAnotherForAnotherParent() {
        assertEquals(VersionIds.of("m1", "v-a", "b-1", 0), VersionIds.of("m1", "v-a", "b-1", 0));
        assertNotEquals(VersionIds.of("m1", "v-a", "b-1", 0), VersionIds.of("m1", "v-b", "b-1", 0));
        assertNotEquals(VersionIds.of("m1", "v-a", "b-1", 0), VersionIds.of("m2", "v-a", "b-1", 0));
    }
}
