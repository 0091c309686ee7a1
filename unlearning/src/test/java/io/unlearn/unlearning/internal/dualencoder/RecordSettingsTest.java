package io.unlearn.unlearning.internal.dualencoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.unlearn.unlearning.spi.ClipEraseSettings;
import io.unlearn.unlearning.spi.DualEncoders;
import io.unlearn.unlearning.spi.Method;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordSettingsTest {

    @Test
    void shouldOverrideOnlyTheNamedSettings() {
        ClipEraseSettings s = RecordSettings.parse(ClipEraseSettings.defaults(),
                Map.of("lambdaConsistency", "0", "maxSteps", " 50", "seed", "7"));

        assertEquals(ClipEraseSettings.defaults().withLambdaConsistency(0f).withMaxSteps(50), new ClipEraseSettings(
                s.lambdaRetain(), s.lambdaForget(), s.lambdaConsistency(), s.learningRate(), s.forgetBatchSize(),
                s.retainBatchSize(), s.maxSteps(), s.checkEverySteps(), s.patienceChecks(), s.validationSamples(),
                s.stopRuleSamples(), s.classStopAccuracy(), 42L));
        assertEquals(7L, s.seed());
    }

    @Test
    void shouldReportEveryUnknownKeyAndBadValueAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RecordSettings.parse(
                ClipEraseSettings.defaults(), Map.of("lambda3", "0", "maxSteps", "many")));

        assertTrue(e.getMessage().contains("unknown setting 'lambda3'"), e.getMessage());
        assertTrue(e.getMessage().contains("maxSteps = 'many' is not a int"), e.getMessage());
        assertTrue(e.getMessage().contains("lambdaConsistency"), "should list the accepted keys: " + e.getMessage());
    }

    @Test
    void shouldLetTheRecordRejectAValueOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DualEncoders.method(Method.CLIPERASE, Map.of("learningRate", "2")));

        assertTrue(e.getMessage().contains("0 < lr < 1"), e.getMessage());
    }

    @Test
    void shouldRefuseASeedForRetrainBecauseItIsTheParents() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DualEncoders.method(Method.RETRAIN, Map.of("seed", "1")));

        assertTrue(e.getMessage().contains("parent's seed"), e.getMessage());
    }
}
