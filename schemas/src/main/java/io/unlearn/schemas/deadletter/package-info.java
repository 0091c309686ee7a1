/** Moves records no stage can decode to the dead-letter topic, untouched and labelled with why, so the pipeline carries on. */
package io.unlearn.schemas.deadletter;
