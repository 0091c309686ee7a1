package io.unlearn.verifier;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The verifier's layering: the verdict, the escalation rule and the evaluation are plain code, testable without a
 * broker; only the kafka package and the service's wiring talk to Kafka.
 */
class VerifierLayeringTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.unlearn.verifier");

    @Test
    void shouldKeepVerdictEscalationAndEvaluationFreeOfKafka() {
        noClasses().that().resideInAnyPackage("io.unlearn.verifier.verdict..", "io.unlearn.verifier.escalation..",
                        "io.unlearn.verifier.evaluation..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..")
                .because("domain rules are plain methods, testable without Kafka (STYLE.md section 4)")
                .check(CLASSES);
    }

    @Test
    void shouldKeepTheVerdictAndEscalationFreeOfTheMlEngine() {
        noClasses().that().resideInAnyPackage("io.unlearn.verifier.verdict..", "io.unlearn.verifier.escalation..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "io.unlearn.unlearning..")
                .because("a verdict is arithmetic on measured numbers; only the evaluation runs models")
                .check(CLASSES);
    }

    @Test
    void shouldUseOnlyTheUnlearningModulesPublicSurface() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.unlearn.unlearning.internal..", "ai.djl..")
                .because("services use the unlearning SPI only (STYLE.md section 1)")
                .check(CLASSES);
    }
}
