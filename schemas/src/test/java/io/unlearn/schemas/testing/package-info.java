/** Test fixtures shared with other modules through the schemas test-jar: an in-memory registry and sample records. */
package io.unlearn.schemas.testing;
