/** The stream-processor's throughput and flush-latency benchmark, a program run by {@code bin/bench-stream-processor}. */
package io.unlearn.streamprocessor.bench;
