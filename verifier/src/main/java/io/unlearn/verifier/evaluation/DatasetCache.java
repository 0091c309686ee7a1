package io.unlearn.verifier.evaluation;

import io.unlearn.unlearning.spi.Dataset;
import io.unlearn.unlearning.spi.Unlearning;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The datasets models were trained on, by name, loaded once: Fashion-MNIST takes seconds to read and 200 MB to
 * hold, and every candidate of a model needs the same one. Keeps the {@value #CAPACITY} most recently used.
 */
public final class DatasetCache implements Function<String, Dataset> {

    static final int CAPACITY = 2;

    private final Function<String, Dataset> loader;
    private final Map<String, Dataset> loaded = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Dataset> eldest) {
            return size() > CAPACITY;
        }
    };

    /** A cache over {@link Unlearning#dataset(String)}. */
    public DatasetCache() {
        this(Unlearning::dataset);
    }

    DatasetCache(Function<String, Dataset> loader) {
        this.loader = loader;
    }

    /**
     * @param name e.g. {@code fashion-mnist} or {@code synthetic?samples=600&classes=4}
     * @throws io.unlearn.unlearning.errors.DatasetMissingException naming the package when the files are absent
     */
    @Override
    public synchronized Dataset apply(String name) {
        return loaded.computeIfAbsent(name, loader);
    }
}
