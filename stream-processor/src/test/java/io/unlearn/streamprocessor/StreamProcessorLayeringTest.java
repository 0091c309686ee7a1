package io.unlearn.streamprocessor;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The stream-processor's layering, checked by the build: the domain rules and the model catalog are plain Java
 * (testable without Kafka), and nothing outside the topology reaches into the processors.
 */
class StreamProcessorLayeringTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.unlearn.streamprocessor");

    @Test
    void shouldKeepDomainRulesAndCatalogFreeOfKafka() {
        noClasses().that().resideInAnyPackage("io.unlearn.streamprocessor.domain..", "io.unlearn.streamprocessor.catalog..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..")
                .because("domain rules are plain methods, testable without Kafka (STYLE.md section 4)")
                .check(CLASSES);
    }

    @Test
    void shouldLetOnlyTheTopologyWireTheInternals() {
        noClasses().that().resideInAnyPackage("io.unlearn.streamprocessor.domain..",
                        "io.unlearn.streamprocessor.catalog..", "io.unlearn.streamprocessor.observability..")
                .should().dependOnClassesThat().resideInAnyPackage("io.unlearn.streamprocessor.internals..")
                .because("processors and store formats are internals that only the topology assembles")
                .check(CLASSES);
    }
}
