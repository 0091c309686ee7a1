package io.unlearn.catalog;

/**
 * What a deletion request names; the symbols are those of the Avro enum {@code DeletionScope} (checked by
 * {@code ScopeTest}), so a request's scope maps to one of these by name.
 */
public enum Scope {
    /** Sample ids. */
    SAMPLES,
    /** Every sample of one data subject. */
    SUBJECT,
    /** Every sample of one class label. */
    CLASS,
    /** Image-caption pairs. */
    PAIRS
}
