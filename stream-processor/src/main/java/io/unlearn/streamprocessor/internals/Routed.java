package io.unlearn.streamprocessor.internals;

import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;

/**
 * What a processor of the topology emits for one record; the topology routes each kind to its own branch.
 * A processor emits several kinds (a status or a pending request), and the DSL gives a node one output stream,
 * so the kind travels in the value.
 */
public sealed interface Routed {

    /** An undecodable input record: its untouched key and value bytes; the error headers ride on the record. */
    record DeadLetter(byte[] key, byte[] value) implements Routed {
    }

    /** A decoded deletion request and where it was read ({@code topic-partition@offset}). */
    record Decoded(DeletionRequest request, String origin) implements Routed {
    }

    /** A status to write to the request-status topic, keyed by request id. */
    record Status(RequestStatus status) implements Routed {
    }

    /**
     * An accepted request as one model will see it, keyed by model id, on its way to that model's batch.
     *
     * @param encoded the request in the Confluent wire format, encoded once at admission, where its size is checked
     */
    record Pending(BatchedRequest request, byte[] encoded) implements Routed {
    }

    /** A closed batch, keyed by model id. */
    record Batch(UnlearningBatch batch) implements Routed {
    }
}
