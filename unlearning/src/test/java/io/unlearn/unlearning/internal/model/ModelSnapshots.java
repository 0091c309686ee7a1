package io.unlearn.unlearning.internal.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.unlearn.unlearning.spi.ModelHandle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the model tests compare: a model's saved bytes and its parameters, bit for bit. */
final class ModelSnapshots {

    private ModelSnapshots() {
    }

    /** @return what {@link ModelHandle#save} writes */
    static byte[] bytes(ModelHandle m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.save(out);
        return out.toByteArray();
    }

    /** @return parameter name to values, in the block's order */
    static Map<String, float[]> parameters(Network n) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : n.djlModel().getBlock().getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    /** Asserts the same names and bit-identical values (NaN payloads and signed zeros included). */
    static void assertSameParameters(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            float[] x = expected.get(name);
            float[] y = actual.get(name);
            assertEquals(x.length, y.length, name);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), name + "[" + i + "]");
            }
        }
    }
}
