package io.unlearn.kit.lineage;

/**
 * The first place where a model's lineage stops proving itself.
 *
 * @param modelId  the model whose chain is broken
 * @param sequence the sequence number of the first event that fails a check
 * @param problem  what is wrong, for a person: which hash or digest differs, or which event is missing
 */
public record ChainBreak(String modelId, long sequence, String problem) {
}
