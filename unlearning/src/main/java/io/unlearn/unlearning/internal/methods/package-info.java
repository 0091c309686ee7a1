/** One class per unlearning method, each reading like its objective (internal). */
package io.unlearn.unlearning.internal.methods;
