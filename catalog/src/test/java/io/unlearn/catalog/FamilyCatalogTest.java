package io.unlearn.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.unlearn.catalog.families.Classifiers;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every family of the catalog must satisfy, checked for each; then the classifier families' own rules. */
class FamilyCatalogTest {

    @Test
    void shouldGiveEveryFamilyAUniqueIdAndEveryMethodOfAFamilyAUniqueId() {
        Set<String> ids = new HashSet<>();
        for (FamilySpec family : FamilyCatalog.families()) {
            assertTrue(ids.add(family.id()), "duplicate family " + family.id());
            Set<String> methods = new HashSet<>();
            family.methods().forEach(m -> assertTrue(methods.add(m.id()), family.id() + ": duplicate " + m.id()));
            assertFalse(family.scopes().isEmpty(), family.id() + " serves no scope");
            assertFalse(family.metrics().isEmpty(), family.id() + " produces no metric");
        }
    }

    @Test
    void shouldValidateEveryMethodsDefaultsAgainstItsOwnRanges() {
        for (FamilySpec family : FamilyCatalog.families()) {
            for (MethodSpec method : family.methods()) {
                for (SettingSpec setting : method.settings()) {
                    assertTrue(setting.problem(setting.defaultValue()).isEmpty(), family.id() + "/" + method.id()
                            + "/" + setting.name() + ": default " + setting.defaultValue() + " is out of range");
                    assertFalse(setting.doc().isBlank(), setting.name() + " has no doc");
                }
                assertEquals(method.settings().size(), method.defaults().values().size());
            }
        }
    }

    @Test
    void shouldGiveEveryFamilyADefaultPolicyWhoseThresholdsItsEvaluationProduces() {
        for (FamilySpec family : FamilyCatalog.families()) {
            assertEquals(List.of(), family.check(family.defaultPolicy()), family.id());
            for (Threshold t : family.defaultPolicy().thresholds()) {
                assertTrue(family.produces(t.metric()), family.id() + " does not produce " + t.metric());
            }
            assertTrue(family.attempt(family.defaultPolicy(), 0).isPresent(), family.id());
        }
    }

    @Test
    void shouldNameTheKnownFamiliesForAnUnknownOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FamilyCatalog.require("transformer"));
        assertTrue(e.getMessage().contains("classifier | dkvb_classifier"), e.getMessage());
    }

    @Test
    void shouldOfferGapMetricsOnlyForFamiliesExactRetrainingCanRebuild() {
        assertTrue(Classifiers.CLASSIFIER.produces("average.gap"));
        assertTrue(Classifiers.CLASSIFIER.produces("forget.accuracy.gap"));
        assertFalse(Classifiers.TORCHSCRIPT_CLASSIFIER.produces("average.gap"));
        assertFalse(Classifiers.DKVB_CLASSIFIER.produces("retain.accuracy.gap"));
        assertTrue(Classifiers.DKVB_CLASSIFIER.produces("probe.forget.accuracy"));
    }

    @Test
    void shouldRunThePolicysMethodStrengthenedPerAttemptThenRetrainOnceThenNothing() {
        UnlearningPolicy policy = new UnlearningPolicy("contrastive", Map.of("maxEpochs", "5", "retrain.epochs", "2"),
                List.of(), 2);

        Attempt first = Classifiers.CLASSIFIER.attempt(policy, 0).orElseThrow();
        Attempt second = Classifiers.CLASSIFIER.attempt(policy, 1).orElseThrow();
        Attempt third = Classifiers.CLASSIFIER.attempt(policy, 2).orElseThrow();

        assertEquals("contrastive", first.method().id());
        assertEquals(5, first.settings().integer("maxEpochs"));
        assertEquals(3.0f, first.settings().decimal("lambdaUl"));
        assertEquals(10, second.settings().integer("maxEpochs"), "maxEpochs doubles on the first retry");
        assertEquals(6.0f, second.settings().decimal("lambdaUl"));
        assertEquals(6.0f, second.settings().decimal("lambdaCe"), "settings without the mark stay");
        assertTrue(third.exact());
        assertEquals(2, third.settings().integer("epochs"));
        assertTrue(Classifiers.CLASSIFIER.attempt(policy, 3).isEmpty());
    }

    @Test
    void shouldEndAttemptsOfAFamilyThatCannotBeRetrainedAtTheLimit() {
        UnlearningPolicy policy = new UnlearningPolicy("dkvb", Map.of(), List.of(), 2);

        Attempt retry = Classifiers.DKVB_CLASSIFIER.attempt(policy, 1).orElseThrow();

        assertEquals("examples", retry.settings().choice("mode"), "a retry masks every key of the forget examples");
        assertEquals(128, retry.settings().integer("exampleCount"));
        assertTrue(Classifiers.DKVB_CLASSIFIER.attempt(policy, 2).isEmpty());
    }

    @Test
    void shouldReportEveryProblemOfAPolicyWithTheFix() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("lambdaUI", "3");
        settings.put("tau", "-1");
        settings.put("retrain.epochs", "0");
        UnlearningPolicy policy = new UnlearningPolicy("contrastive", settings,
                List.of(new Threshold("forget.acc", Comparator.AT_MOST, 0.1)), 2);

        List<String> problems = Classifiers.CLASSIFIER.check(policy);

        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("policy.settings.lambdaUI: contrastive has no such setting"),
                problems.get(0));
        assertEquals("policy.settings.tau: expected a number from 0.001 to 100.0, got '-1'", problems.get(1));
        assertEquals("policy.settings.retrain.epochs: expected a whole number from 1 to 1000, got '0'",
                problems.get(2));
        assertTrue(problems.get(3).startsWith("policy.thresholds[0].metric: a classifier model's evaluation does not"
                + " produce 'forget.acc'"), problems.get(3));
        assertThrows(InvalidPolicyException.class, () -> Classifiers.CLASSIFIER.attempt(policy, 0));
    }

    @Test
    void shouldRefuseRetrainSettingsForAFamilyThatCannotBeRetrained() {
        UnlearningPolicy policy = new UnlearningPolicy("contrastive", Map.of("retrain.epochs", "2"), List.of(), 2);

        assertEquals(List.of("policy.settings: retrain.* settings are given, but a torchscript_classifier model cannot"
                + " be retrained from scratch; remove them"), Classifiers.TORCHSCRIPT_CLASSIFIER.check(policy));
    }

    @Test
    void shouldPassAThresholdAtItsBoundAndNeverPassNaN() {
        Threshold atMost = new Threshold("forget.accuracy", Comparator.AT_MOST, 0.2);
        assertTrue(atMost.passes(0.2));
        assertFalse(atMost.passes(0.2000001));
        assertFalse(atMost.passes(Double.NaN));
        assertTrue(new Threshold("retain.accuracy", Comparator.AT_LEAST, 0.8).passes(0.9));
        assertFalse(new Threshold("retain.accuracy", Comparator.AT_LEAST, 0.8).passes(Double.NaN));
    }
}
