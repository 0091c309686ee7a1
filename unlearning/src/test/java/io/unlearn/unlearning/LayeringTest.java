package io.unlearn.unlearning;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module's layering rules, checked by the build. */
class LayeringTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.unlearn.unlearning");

    @Test
    void shouldNeverDependOnKafka() {
        noClasses().should().dependOnClassesThat().resideInAPackage("org.apache.kafka..").check(CLASSES);
    }

    @Test
    void shouldNeverDependOnTheSchemasModule() {
        noClasses().should().dependOnClassesThat().resideInAPackage("io.unlearn.schemas..").check(CLASSES);
    }

    @Test
    void shouldKeepTheInternalsIndependentOfTheBenchmarkProgram() {
        noClasses().that().resideOutsideOfPackage("io.unlearn.unlearning.bench..").should().dependOnClassesThat()
                .resideInAPackage("io.unlearn.unlearning.bench..").check(CLASSES);
    }
}
