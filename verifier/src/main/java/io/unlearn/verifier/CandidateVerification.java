package io.unlearn.verifier;

import io.unlearn.kit.modelregistry.ModelRegistryUnavailableException;
import io.unlearn.kit.modelregistry.RegisteredModel;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.unlearning.errors.DatasetMissingException;
import io.unlearn.verifier.errors.ArtifactException;
import io.unlearn.verifier.errors.UnverifiableCandidateException;
import io.unlearn.kit.processing.TransactionalTaskLoop;
import io.unlearn.verifier.escalation.Escalation;
import io.unlearn.verifier.escalation.VerifierOutput;
import io.unlearn.verifier.evaluation.CandidateEvaluation;
import io.unlearn.verifier.evaluation.Measurements;
import io.unlearn.verifier.verdict.Verdict;
import io.unlearn.verifier.verdict.VerdictPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.Function;

/**
 * One candidate from record to output, without Kafka: look the model up, measure, judge, escalate. Problems with
 * the candidate become a FAILED verdict with the reason; problems of the environment (registry unreachable, dataset
 * not installed) become {@link Step.RetryLater}, so the candidate is verified once they are fixed and nothing is
 * decided on a guess.
 */
public final class CandidateVerification {

    private static final Logger LOG = LoggerFactory.getLogger(CandidateVerification.class);

    /** What to do with one candidate. */
    public sealed interface Step {
        /** Publish this, with the candidate's offset, in one transaction. */
        record Publish(VerifierOutput output) implements Step {
        }

        /** Try the same candidate again later; nothing is published. */
        record RetryLater(String why) implements Step {
        }
    }

    private final Function<String, Optional<RegisteredModel>> models;
    private final CandidateEvaluation evaluation;
    private final Escalation escalation;

    /**
     * @param models     model by id, from the model-registry ({@code ModelRegistryClient::model})
     * @param evaluation the measuring step
     * @param escalation what follows a verdict
     */
    public CandidateVerification(Function<String, Optional<RegisteredModel>> models, CandidateEvaluation evaluation,
                                 Escalation escalation) {
        this.models = models;
        this.evaluation = evaluation;
        this.escalation = escalation;
    }

    /**
     * What closes a candidate the verifier gave up on.
     *
     * @param candidate the candidate
     * @param error why: the verification threw, ran past its timeout, or waited past its retry timeout
     * @return a FAILED result and FAILED statuses
     */
    public VerifierOutput abandoned(CandidateVersion candidate, Throwable error) {
        return escalation.abandoned(candidate, TransactionalTaskLoop.reason(error));
    }

    /** Verifies one candidate. */
    public Step verify(CandidateVersion candidate) {
        RegisteredModel model;
        try {
            Optional<RegisteredModel> found = models.apply(candidate.getModelId());
            if (found.isEmpty()) {
                LOG.warn("Candidate {} names unknown model {}; its requests end FAILED", candidate.getVersionId(),
                        candidate.getModelId());
                return new Step.Publish(escalation.unknownModel(candidate));
            }
            model = found.get();
        } catch (ModelRegistryUnavailableException e) {
            return new Step.RetryLater(e.getMessage());
        }
        try {
            Measurements measured = evaluation.measure(model, candidate);
            Verdict verdict = VerdictPolicy.judge(model.policy().thresholds(), measured.candidate());
            LOG.info("{} of {} (batch {}, attempt {}, {}): {}", candidate.getVersionId(), candidate.getModelId(),
                    candidate.getBatchId(), candidate.getAttempt(), candidate.getMethod(), verdict.reason());
            return new Step.Publish(escalation.judged(candidate, model.family(), model.policy(), verdict, measured));
        } catch (ArtifactException e) {
            LOG.warn("Candidate {} of {} failed: {}", candidate.getVersionId(), candidate.getModelId(),
                    e.getMessage());
            return new Step.Publish(escalation.unmeasurable(candidate, model.family(), model.policy(), e.getMessage(), !e.parent()));
        } catch (UnverifiableCandidateException e) {
            LOG.warn("Candidate {} of {} cannot be verified: {}", candidate.getVersionId(), candidate.getModelId(),
                    e.getMessage());
            return new Step.Publish(escalation.unmeasurable(candidate, model.family(), model.policy(), e.getMessage(), false));
        } catch (DatasetMissingException e) {
            return new Step.RetryLater("dataset " + model.dataset().name() + " of model " + model.modelId()
                    + " is not available: " + e.getMessage());
        } catch (RuntimeException e) {
            // Unexpected (an engine error, a family the metrics do not support): the requests must still get a
            // status, and a fresh attempt may succeed, so it counts as a failed verification with the error as
            // the reason; the escalation bounds the retries.
            LOG.error("Verifying candidate {} of {} failed unexpectedly", candidate.getVersionId(),
                    candidate.getModelId(), e);
            return new Step.Publish(escalation.unmeasurable(candidate, model.family(), model.policy(), "the verifier failed: " + e,
                    true));
        }
    }
}
