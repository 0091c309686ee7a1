/** Storage of model artifacts under their SHA-256 digest, so a name can never point at other bytes. */
package io.unlearn.kit.artifacts;
