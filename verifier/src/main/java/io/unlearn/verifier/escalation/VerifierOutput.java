package io.unlearn.verifier.escalation;

import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.schemas.v1.VerificationResult;

import java.util.List;
import java.util.Optional;

/**
 * Everything the verifier publishes for one candidate, in one transaction.
 *
 * @param result   the verdict for the registry; absent only when the model is unknown (nothing to record it on)
 * @param statuses exactly one status per request of the candidate
 * @param retry    the batch's next attempt, after a failure that a stronger attempt may fix
 */
public record VerifierOutput(Optional<VerificationResult> result, List<RequestStatus> statuses,
                             Optional<UnlearningBatch> retry) {

    public VerifierOutput {
        statuses = List.copyOf(statuses);
    }
}
