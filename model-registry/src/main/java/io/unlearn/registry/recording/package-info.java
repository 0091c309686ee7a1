/** Turns what the registry receives (registrations, candidates, verifications) into linked lineage events. */
package io.unlearn.registry.recording;
