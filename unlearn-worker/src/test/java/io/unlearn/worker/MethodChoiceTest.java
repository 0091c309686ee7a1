package io.unlearn.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.unlearn.schemas.modelregistry.UnlearningPolicy;
import io.unlearn.worker.errors.InvalidPolicyException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MethodChoiceTest {

    private static UnlearningPolicy policy(String method, Map<String, String> settings, int maxFailures) {
        return new UnlearningPolicy(method, settings, List.of(), maxFailures);
    }

    @Test
    void shouldRunThePolicysMethodWithItsSettingsOnTheFirstAttempt() {
        MethodChoice choice = MethodChoice.choose(policy("fine_tune", Map.of("epochs", "2", "learningRate", "0.05"),
                2), 0, 7);

        assertEquals("fine_tune", choice.name());
        assertEquals("2", choice.applied().get("epochs"));
        assertEquals("0.05", choice.applied().get("learningRate"));
        assertEquals("128", choice.applied().get("batchSize"), "unset settings take the method's default");
    }

    @Test
    void shouldMultiplyTheStrengthByOnePlusTheAttemptOnRetries() {
        UnlearningPolicy contrastive = policy("contrastive", Map.of("maxEpochs", "5"), 3);

        MethodChoice first = MethodChoice.choose(contrastive, 0, 7);
        MethodChoice third = MethodChoice.choose(contrastive, 2, 7);

        assertEquals("5", first.applied().get("maxEpochs"));
        assertEquals("3.0", first.applied().get("lambdaUl"));
        assertEquals("15", third.applied().get("maxEpochs"));
        assertEquals("9.0", third.applied().get("lambdaUl"));
        assertEquals("3", MethodChoice.choose(policy("neg_grad_plus", Map.of(), 3), 2, 7).applied().get("epochs"));
    }

    @Test
    void shouldEscalateToExactRetrainingWithTheParentsSeedOnceTheFailuresAreUsedUp() {
        UnlearningPolicy p = policy("contrastive", Map.of("retrain.epochs", "2"), 2);

        MethodChoice choice = MethodChoice.choose(p, 2, 1234);

        assertEquals("retrain", choice.name());
        assertEquals("2", choice.applied().get("epochs"));
        assertEquals("1234", choice.applied().get("seed"));
        assertEquals(1234, choice.seed());
        assertEquals("contrastive", MethodChoice.choose(p, 1, 1234).name());
    }

    @Test
    void shouldMaskMoreDkvbKeysOnRetries() {
        UnlearningPolicy automatic = policy("dkvb", Map.of(), 3);
        UnlearningPolicy counted = policy("dkvb", Map.of("activationKeys", "8"), 3);

        assertEquals("activations", MethodChoice.choose(automatic, 0, 7).applied().get("mode"));
        assertEquals("examples", MethodChoice.choose(automatic, 1, 7).applied().get("mode"));
        assertEquals("128", MethodChoice.choose(automatic, 1, 7).applied().get("exampleCount"));
        assertEquals("24", MethodChoice.choose(counted, 2, 7).applied().get("activationKeys"));
    }

    @Test
    void shouldRejectUnknownMethodsAndSettingsAndBadValuesNamingThem() {
        InvalidPolicyException method = assertThrows(InvalidPolicyException.class,
                () -> MethodChoice.choose(policy("siss", Map.of(), 2), 0, 7));
        assertTrue(method.getMessage().contains("'siss'"), method.getMessage());

        InvalidPolicyException unknown = assertThrows(InvalidPolicyException.class,
                () -> MethodChoice.choose(policy("fine_tune", Map.of("epochz", "2"), 2), 0, 7));
        assertTrue(unknown.getMessage().contains("[epochz]") && unknown.getMessage().contains("epochs"),
                unknown.getMessage());

        InvalidPolicyException value = assertThrows(InvalidPolicyException.class,
                () -> MethodChoice.choose(policy("neg_grad_plus", Map.of("alpha", "lots"), 2), 0, 7));
        assertTrue(value.getMessage().contains("alpha=lots"), value.getMessage());

        InvalidPolicyException range = assertThrows(InvalidPolicyException.class,
                () -> MethodChoice.choose(policy("retrain", Map.of("epochs", "0"), 2), 0, 7));
        assertTrue(range.getMessage().contains("epochs"), range.getMessage());
    }
}
