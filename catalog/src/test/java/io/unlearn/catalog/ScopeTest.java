package io.unlearn.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.unlearn.schemas.v1.DeletionScope;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ScopeTest {

    @Test
    void shouldHaveExactlyTheAvroContractsScopes() {
        assertEquals(Arrays.stream(DeletionScope.values()).map(Enum::name).toList(),
                Arrays.stream(Scope.values()).map(Enum::name).toList());
    }
}
