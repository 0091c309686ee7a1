package io.unlearn.registry.receipts;

import com.fasterxml.jackson.databind.JsonNode;
import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.kit.receipts.ReceiptKey;
import io.unlearn.kit.receipts.ReceiptKeys;
import io.unlearn.registry.RegistryFixtures.InMemoryRegistry;
import io.unlearn.registry.errors.NotExcludedException;
import io.unlearn.registry.errors.NotFoundException;
import io.unlearn.registry.errors.ReceiptsDisabledException;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.Verdict;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;

import static io.unlearn.registry.RegistryFixtures.T0;
import static io.unlearn.registry.RegistryFixtures.candidate;
import static io.unlearn.registry.RegistryFixtures.registration;
import static io.unlearn.registry.RegistryFixtures.verification;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReceiptIssuerTest {

    @TempDir
    Path dir;

    private InMemoryRegistry registry;
    private ReceiptIssuer issuer;

    @BeforeEach
    void setUp() throws Exception {
        registry = new InMemoryRegistry(new DirectoryArtifactStore(dir.resolve("artifacts")));
        registry.register(registration("m1", "m1 base"));
        registry.register(registration("m2", "m2 base"));
        ReceiptKey key = ReceiptKeys.generate(dir.resolve("key.pem"));
        issuer = ReceiptIssuer.signingWith(key, registry.state, Clock.fixed(T0.plusSeconds(900), ZoneOffset.UTC));
    }

    private void status(String requestId, RequestState state, String modelId) {
        registry.state.apply(RequestStatus.newBuilder().setRequestId(requestId).setState(state).setModelId(modelId)
                .setStage("verifier").setAt(T0).build());
    }

    @Test
    void shouldListTheModelsThatDoNotExcludeTheRequestYetBesideTheOnesThatDo() {
        // Given r-1 concerns m1 (verified) and m2 (its candidate failed)
        registry.candidate(candidate("m1", "v1", "base", "m1-0001", registry.store("m1 v1"), "r-1"));
        registry.verification(verification("m1", "v1", "m1-0001", Verdict.PASSED, "r-1"));
        registry.candidate(candidate("m2", "v1", "base", "m2-0001", registry.store("m2 v1"), "r-1"));
        registry.verification(verification("m2", "v1", "m2-0001", Verdict.FAILED, "r-1"));
        status("r-1", RequestState.VERIFIED, "m1");
        status("r-1", RequestState.FAILED, "m2");

        // When its receipt is issued
        JsonNode receipt = issuer.receipt("r-1").get("receipt");

        // Then m1 is attested and m2 is named as not excluding it, with its latest state
        assertEquals(1, receipt.get("models").size());
        assertEquals("m1", receipt.get("models").get(0).get("modelId").asText());
        assertEquals("m2", receipt.get("modelsNotExcluding").get(0).get("modelId").asText());
        assertEquals("FAILED", receipt.get("modelsNotExcluding").get(0).get("latestState").asText());
        assertEquals(2, receipt.get("stages").size());
        assertTrue(receipt.get("requestedAt").isNull() && receipt.get("deadline").isNull());
        assertFalse(receipt.has("reason"), "the registry does not know the request's reason");
    }

    @Test
    void shouldAttestAVersionThatHadForgottenTheDataBeforeTheRequestArrived() {
        // Given r-2 was VERIFIED by m1's v1, which does not name it (its samples were already forgotten)
        registry.candidate(candidate("m1", "v1", "base", "m1-0001", registry.store("m1 v1"), "r-1"));
        registry.verification(verification("m1", "v1", "m1-0001", Verdict.PASSED, "r-1"));
        registry.state.apply(RequestStatus.newBuilder().setRequestId("r-2").setState(RequestState.VERIFIED)
                .setModelId("m1").setVersionId("v1").setStage("unlearn-worker").setAt(T0).build());

        JsonNode model = issuer.receipt("r-2").get("receipt").get("models").get(0);

        assertEquals("v1", model.get("versionId").asText());
        assertTrue(model.get("excludedOnArrival").asBoolean());
    }

    @Test
    void shouldRefuseWhileNothingExcludesTheRequestAndWithoutAKey() {
        status("r-3", RequestState.BATCHED, "m1");

        NotExcludedException pending = assertThrows(NotExcludedException.class, () -> issuer.receipt("r-3"));
        assertTrue(pending.getMessage().contains("latest status: BATCHED for model m1"), pending.getMessage());
        assertThrows(NotFoundException.class, () -> issuer.receipt("r-unknown"));
        ReceiptsDisabledException off = assertThrows(ReceiptsDisabledException.class,
                () -> ReceiptIssuer.disabled("receipt.signing.key.file is not set").receipt("r-3"));
        assertEquals("receipt.signing.key.file is not set", off.getMessage());
    }
}
