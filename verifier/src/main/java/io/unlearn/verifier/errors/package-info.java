/** The verifier's exceptions: one root, subclasses named after the condition. */
package io.unlearn.verifier.errors;
