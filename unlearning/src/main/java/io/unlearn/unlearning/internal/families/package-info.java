/** The ML core's implementation of each family of the catalog: its methods by id and its evaluation. */
package io.unlearn.unlearning.internal.families;
