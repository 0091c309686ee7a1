/** Typed failures of the wire contract: each names the bad value and what to do next. */
package io.unlearn.schemas.errors;
