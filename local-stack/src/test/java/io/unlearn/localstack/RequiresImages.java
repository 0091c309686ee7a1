package io.unlearn.localstack;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;

/**
 * A test class that runs containers of these locally built images: reported as skipped, with the reason (no Docker
 * engine, or which image is missing and that {@code bin/images} builds it), when they cannot run here.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(RequiresImages.Condition.class)
public @interface RequiresImages {

    String[] value();

    /** Set (to the reason) to skip every container test; bin/test sets it when Docker or the image build failed. */
    String SKIP_VARIABLE = "UNLEARN_SKIP_CONTAINER_TESTS";

    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<RequiresImages> required = AnnotationSupport.findAnnotation(context.getElement(),
                    RequiresImages.class);
            if (required.isEmpty()) {
                return ConditionEvaluationResult.enabled("no images required");
            }
            String skip = System.getenv(SKIP_VARIABLE);
            Optional<String> missing = skip != null && !skip.isBlank()
                    ? Optional.of(SKIP_VARIABLE + "=" + skip)
                    : LocalImages.unavailable(required.get().value());
            if (missing.isPresent()) {
                // also in the build log, not only in the report
                System.err.println(context.getDisplayName() + " SKIPPED: " + missing.get());
                return ConditionEvaluationResult.disabled(missing.get());
            }
            return ConditionEvaluationResult.enabled("Docker answers and the images are present");
        }
    }
}
