package io.unlearn.unlearning.internal.families;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.unlearn.catalog.FamilyCatalog;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.unlearning.spi.UnlearningMethod;
import java.util.List;
import org.junit.jupiter.api.Test;

class FamilyImplementationsTest {

    @Test
    void shouldImplementEveryCatalogFamilyAndNoOther() {
        List<String> catalog = FamilyCatalog.families().stream().map(FamilySpec::id).toList();
        List<String> implemented = Implementations.all().stream().map(i -> i.family().id()).toList();
        assertEquals(catalog, implemented, "the catalog's families and the ML core's implementations must agree");
    }

    @Test
    void shouldImplementEveryMethodOfEveryFamilyWithItsDefaultSettings() {
        for (FamilySpec family : FamilyCatalog.families()) {
            for (MethodSpec method : family.methods()) {
                UnlearningMethod m = Implementations.require(family).method(method.defaults(), 7L);
                assertEquals(method, m.method(), family.id() + "/" + method.id());
                assertEquals(method.id(), m.name());
            }
        }
    }

    @Test
    void shouldGiveEveryFamilyADefaultPolicyItCanCarryOut() {
        for (FamilySpec family : FamilyCatalog.families()) {
            assertTrue(family.check(family.defaultPolicy()).isEmpty(), family.id() + ": "
                    + family.check(family.defaultPolicy()));
        }
    }
}
