package io.unlearn.unlearning.internal.data;

import io.unlearn.unlearning.errors.UnlearningException;
import io.unlearn.unlearning.spi.Dataset;
import io.unlearn.unlearning.spi.ImageSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Resolves the data set names a model registration carries: {@code fashion-mnist}, optionally cut to its first
 * images ({@code fashion-mnist?samples=3000&test=500}), or {@code synthetic} with optional query parameters, e.g.
 * {@code synthetic?samples=600&classes=4&side=12&noise=0.35&seed=7}. Either takes {@code glyphs=N}: N copies of a
 * rendered glyph appended to the training set with sample ids of their own ({@link Glyphs}), the denoiser family's
 * memorization setting.
 *
 * <p>A synthetic name always yields the same images (train and test share the class prototypes drawn from
 * {@code seed}), so every service that resolves it sees the same D.
 */
public final class DatasetNames {

    /** Defaults of the synthetic set's parameters; {@code test} defaults to a quarter of {@code samples}. */
    static final Map<String, String> SYNTHETIC_DEFAULTS = Map.of("samples", "600", "classes", "4", "side", "12",
            "noise", "0.35", "seed", "7");
    private static final Set<String> SYNTHETIC_KEYS = Set.of("samples", "test", "classes", "side", "noise", "seed",
            "glyphs");
    private static final Set<String> FASHION_KEYS = Set.of("samples", "test", "glyphs");

    // Resolving Fashion-MNIST takes seconds and 200 MB, and every batch of a model needs the same set; image sets
    // are immutable, so one copy per JVM is shared by every caller.
    private static final int CACHED = 2;
    private static final Map<String, Dataset> LOADED = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Dataset> eldest) {
            return size() > CACHED;
        }
    };

    private DatasetNames() {
    }

    /**
     * Resolves a name, reusing the set when one of the two most recently used names is asked again.
     *
     * @param name {@code fashion-mnist} or {@code synthetic[?key=value&...]}
     * @return the data set
     * @throws UnlearningException naming the bad part and the accepted forms
     */
    public static Dataset cached(String name) {
        synchronized (LOADED) {
            Dataset d = LOADED.get(name);
            if (d == null) {
                d = resolve(name);
                LOADED.put(name, d);
            }
            return d;
        }
    }

    /**
     * Resolves a name.
     *
     * @param name {@code fashion-mnist} or {@code synthetic[?key=value&...]}
     * @return the data set
     * @throws UnlearningException naming the bad part and the accepted forms
     */
    public static Dataset resolve(String name) {
        String trimmed = name == null ? "" : name.trim();
        if (trimmed.equals("fashion-mnist")) {
            return new Dataset(trimmed, FashionMnist.load(FashionMnist.DEFAULT_DIR, true),
                    FashionMnist.load(FashionMnist.DEFAULT_DIR, false));
        }
        if (trimmed.startsWith("fashion-mnist?")) {
            return fashionMnistSubset(trimmed);
        }
        if (trimmed.equals("synthetic") || trimmed.startsWith("synthetic?")) {
            return synthetic(trimmed);
        }
        throw new UnlearningException("unknown data set '" + name + "': use 'fashion-mnist' (optionally"
                + " 'fashion-mnist?samples=3000&test=500&glyphs=30') or 'synthetic' (optionally"
                + " 'synthetic?samples=600&test=150&classes=4&side=12&noise=0.35&seed=7&glyphs=6')");
    }

    // The first samples/test images of each split, then glyphs copies of the glyph (the denoiser's memorization
    // setting, see Glyphs).
    private static Dataset fashionMnistSubset(String name) {
        Map<String, String> p = parameters(name, Map.of(), FASHION_KEYS);
        ImageSet train = FashionMnist.load(FashionMnist.DEFAULT_DIR, true);
        ImageSet test = FashionMnist.load(FashionMnist.DEFAULT_DIR, false);
        if (p.containsKey("samples")) {
            train = train.subset(firstPositions(Math.min(train.size(), positiveInt(name, p, "samples"))),
                    "fashion-mnist/train");
        }
        if (p.containsKey("test")) {
            test = test.subset(firstPositions(Math.min(test.size(), positiveInt(name, p, "test"))),
                    "fashion-mnist/test");
        }
        return new Dataset(name, withGlyphs(name, p, train), test);
    }

    private static int[] firstPositions(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    private static ImageSet withGlyphs(String name, Map<String, String> p, ImageSet train) {
        return p.containsKey("glyphs") ? Glyphs.withCopies(train, positiveInt(name, p, "glyphs")) : train;
    }

    private static Map<String, String> parameters(String name, Map<String, String> defaults, Set<String> keys) {
        Map<String, String> p = new LinkedHashMap<>(defaults);
        int q = name.indexOf('?');
        if (q >= 0 && q < name.length() - 1) {
            for (String pair : name.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                if (eq < 0 || !keys.contains(key)) {
                    throw new UnlearningException("data set '" + name + "': '" + pair + "' is not a parameter;"
                            + " use key=value with a key among " + new TreeSet<>(keys));
                }
                p.put(key, pair.substring(eq + 1));
            }
        }
        return p;
    }

    private static Dataset synthetic(String name) {
        Map<String, String> p = parameters(name, SYNTHETIC_DEFAULTS, SYNTHETIC_KEYS);
        int samples = positiveInt(name, p, "samples");
        int test = p.containsKey("test") ? positiveInt(name, p, "test") : Math.max(1, samples / 4);
        int classes = positiveInt(name, p, "classes");
        int side = positiveInt(name, p, "side");
        long seed = number(name, p, "seed").longValue();
        float noise = number(name, p, "noise").floatValue();
        if (classes < 2) {
            throw new UnlearningException("data set '" + name + "': classes=" + classes + " must be at least 2");
        }
        ImageSet train = withGlyphs(name, p, SyntheticImages.generate(samples, classes, side, noise, seed, seed + 1,
                "synthetic/train"));
        ImageSet testSet = SyntheticImages.generate(test, classes, side, noise, seed, seed + 2, "synthetic/test");
        return new Dataset(name, train, testSet);
    }

    private static int positiveInt(String name, Map<String, String> p, String key) {
        Number n = number(name, p, key);
        if (n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 1 || n.doubleValue() > 10_000_000) {
            throw new UnlearningException("data set '" + name + "': " + key + "=" + p.get(key)
                    + " must be a whole number between 1 and 10000000");
        }
        return n.intValue();
    }

    private static Number number(String name, Map<String, String> p, String key) {
        try {
            return Double.parseDouble(p.get(key));
        } catch (NumberFormatException e) {
            throw new UnlearningException("data set '" + name + "': " + key + "=" + p.get(key) + " is not a number",
                    e);
        }
    }
}
