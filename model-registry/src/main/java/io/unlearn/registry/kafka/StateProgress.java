package io.unlearn.registry.kafka;

import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Map;

/** How far the registry's state has followed the topics it is rebuilt from; the writer waits on it after each commit. */
public interface StateProgress {

    /**
     * Blocks until, for each given partition, every record before the given offset is in the state.
     *
     * @throws io.unlearn.registry.errors.RegistryUnavailableException on timeout, or if the state stopped following
     */
    void awaitApplied(Map<TopicPartition, Long> offsetsExclusive, Duration timeout);

    /** Why the state stopped following the topics, or null while it follows them. */
    Throwable failure();
}
