/** The processors, store formats and routing types the topology is made of; not a public API. */
package io.unlearn.streamprocessor.internals;
