package io.unlearn.unlearning.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MethodTest {

    @Test
    void shouldParseEveryLowercaseMethodNameBackToItsConstant() {
        for (Method m : Method.values()) {
            assertEquals(m, Method.parse(m.value()));
            assertEquals(m, Method.parse(" " + m.value().toUpperCase() + " "));
        }
        assertEquals(Method.NEG_GRAD_PLUS, Method.parse("neg_grad_plus"));
    }

    @Test
    void shouldRejectUnknownMethodNameListingTheAcceptedNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Method.parse("scrub"));
        assertTrue(e.getMessage().contains("'scrub'"), e.getMessage());
        assertTrue(e.getMessage().contains("retrain | fine_tune | neg_grad_plus | contrastive | dkvb"), e.getMessage());
    }

    @Test
    void shouldNameMethodImplementationsAfterTheirMethod() {
        for (Method m : Method.values()) {
            assertEquals(m.value(), Unlearning.method(m).name());
        }
    }
}
