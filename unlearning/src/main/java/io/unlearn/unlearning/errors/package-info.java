/** The unlearning module's exception hierarchy, rooted at {@link io.unlearn.unlearning.errors.UnlearningException}. */
package io.unlearn.unlearning.errors;
