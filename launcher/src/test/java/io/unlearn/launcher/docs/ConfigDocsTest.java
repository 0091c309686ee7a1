package io.unlearn.launcher.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConfigDocsTest {

    @Test
    void shouldListEveryServicesKeysWithTheirDefaults() {
        String md = ConfigDocs.markdown();
        for (String heading : new String[] {"## stream-processor", "## unlearn-worker", "## verifier",
                "## model-registry"}) {
            assertTrue(md.contains(heading), heading);
        }
        assertTrue(md.contains("| `models.topic` | string | `unlearning.models` |"), "models.topic row");
    }
}
