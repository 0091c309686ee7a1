package io.unlearn.registry.recording;

import io.unlearn.schemas.v1.LineageEvent;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.ModelEntry;

import java.util.List;

/** What the registry does with one input: append events, skip a duplicate, reject it, or wait for its candidate. */
public sealed interface Outcome {

    /** Metric tag value: {@code recorded}, {@code duplicate}, {@code rejected} or {@code deferred}. */
    String tag();

    /**
     * Append these events (already linked into their model's chain) and publish these manifest entries, in one
     * transaction with the input's offset.
     */
    record Append(List<LineageEvent> events, List<ManifestEntry> manifestEntries, List<ModelEntry> modelEntries)
            implements Outcome {
        public Append {
            events = List.copyOf(events);
            manifestEntries = List.copyOf(manifestEntries);
            modelEntries = List.copyOf(modelEntries);
        }

        /** Events and manifest entries only. */
        public Append(List<LineageEvent> events, List<ManifestEntry> manifestEntries) {
            this(events, manifestEntries, List.of());
        }

        @Override
        public String tag() {
            return "recorded";
        }
    }

    /** Already in the lineage (a redelivery): commit the offset, append nothing. */
    record Duplicate(String reason) implements Outcome {
        @Override
        public String tag() {
            return "duplicate";
        }
    }

    /** Can never be recorded (unknown model, unknown parent): to the dead-letter topic with this reason. */
    record Rejected(String reason) implements Outcome {
        @Override
        public String tag() {
            return "rejected";
        }
    }

    /** Cannot be recorded yet (its candidate is not in the lineage): retry later, do not commit the offset. */
    record Deferred(String reason) implements Outcome {
        @Override
        public String tag() {
            return "deferred";
        }
    }
}
