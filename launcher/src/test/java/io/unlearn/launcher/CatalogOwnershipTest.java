package io.unlearn.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Only the catalog defines families, methods and policies: no other module may declare a type that describes them
 * (the drift the catalog ended: five lists of families and methods in three modules). The launcher depends on
 * every module, so its class path holds all of them.
 */
class CatalogOwnershipTest {

    /** No type outside {@code io.unlearn.catalog} is named like a family, method list or policy. */
    private static final ArchRule RULE = noClasses()
            .that().resideOutsideOfPackages("io.unlearn.catalog..")
            .and().resideInAPackage("io.unlearn..")
            .should().haveSimpleNameEndingWith("Family")
            .orShould().haveSimpleNameEndingWith("FamilySpec")
            .orShould().haveSimpleNameEndingWith("MethodName")
            .orShould().haveSimpleNameEndingWith("MethodPolicy")
            .orShould().haveSimpleName("Method")
            .orShould().haveSimpleName("UnlearningPolicy")
            .orShould().haveSimpleName("MethodChoice")
            .because("a model family, a method and a policy are defined once, in the catalog module");

    @Test
    void shouldKeepFamiliesMethodsAndPoliciesInTheCatalog() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.unlearn");
        RULE.check(classes);
    }
}
