package io.unlearn.unlearning.bench;

import io.unlearn.catalog.MethodSpec;
import io.unlearn.catalog.families.DenoiserFamily;
import io.unlearn.unlearning.spi.Dataset;
import io.unlearn.unlearning.spi.DenoiserEvaluationSettings;
import io.unlearn.unlearning.spi.DenoiserRecipe;
import io.unlearn.unlearning.spi.Denoisers;
import io.unlearn.unlearning.spi.Evaluation;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.Unlearning;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The denoiser unlearning benchmark: one seed, one run. A denoiser is trained on a data set with copies of the glyph
 * (default {@code fashion-mnist?samples=3000&test=500&glyphs=30}, 1 %), then a deletion request naming every copy's
 * subject is served by SISS (lambda 0.5), SISS with lambda 0 (the ablation), naive deletion ({@code fine_tune}),
 * NegGrad+ and, unless {@code --retrain false}, exact retraining. Prints a table (memorization share, denoising
 * losses and advantage, wall time, back-propagated samples) and writes JSON.
 *
 * <p>Run from the repository root: {@code bin/bench-siss}, with optional {@code --dataset NAME --epochs E
 * --channels C --steps S --generated N --seed S --retrain true|false --original FILE} (the last loads the parent
 * from that file if it exists, else trains it and saves it there; default
 * {@code unlearning/target/bench/denoiser-base.model}).
 */
public final class SissBenchmark {

    private SissBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args see the class comment
     * @throws IOException when the model or the JSON cannot be written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String name = opts.getOrDefault("dataset", "fashion-mnist?samples=3000&test=500&glyphs=30");
        Path out = Path.of(opts.getOrDefault("out", "target/bench/siss.json"));
        Path original = Path.of(opts.getOrDefault("original", "target/bench/denoiser-base.model"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        DenoiserRecipe recipe = new DenoiserRecipe(Integer.parseInt(opts.getOrDefault("epochs", "20")), 64, 1e-3f,
                seed);
        int channels = Integer.parseInt(opts.getOrDefault("channels", "32"));
        String steps = opts.getOrDefault("steps", "300");
        boolean retrain = Boolean.parseBoolean(opts.getOrDefault("retrain", "true"));
        DenoiserEvaluationSettings eval = new DenoiserEvaluationSettings(
                Integer.parseInt(opts.getOrDefault("generated", "200")), 256, 7L);

        Dataset d = Unlearning.dataset(name);
        ImageSet train = d.train();
        UnlearningData data = UnlearningData.of(train, d.test(), glyphSubjects(train));
        System.out.println("data set " + name + ": " + data);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dataset", name);
        json.put("recipe", Map.of("epochs", recipe.epochs(), "batchSize", recipe.batchSize(), "learningRate",
                recipe.learningRate(), "seed", seed, "channels", channels));
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ModelHandle parent = parent(train, recipe, channels, original)) {
            rows.add(row("original", null, Denoisers.evaluate(parent, data, eval), 0, 0));
            List<Map.Entry<MethodSpec, Map<String, String>>> runs = new ArrayList<>();
            runs.add(Map.entry(DenoiserFamily.SISS, Map.of("steps", steps)));
            runs.add(Map.entry(DenoiserFamily.SISS, Map.of("steps", steps, "lambda", "0")));
            runs.add(Map.entry(DenoiserFamily.FINE_TUNE, Map.of("steps", steps)));
            runs.add(Map.entry(DenoiserFamily.NEG_GRAD_PLUS, Map.of("steps", steps)));
            if (retrain) {
                runs.add(Map.entry(DenoiserFamily.RETRAIN, Map.of()));
            }
            for (Map.Entry<MethodSpec, Map<String, String>> run : runs) {
                UnlearningResult result = Denoisers.method(run.getKey().resolve(run.getValue())).apply(parent, data);
                try (ModelHandle child = result.model()) {
                    String label = run.getKey().id() + (run.getValue().containsKey("lambda") ? " (lambda 0)" : "");
                    rows.add(row(label, run.getValue(), Denoisers.evaluate(child, data, eval),
                            result.cost().wallTimeMs(), result.cost().backwardSamplePasses()));
                }
            }
        }
        json.put("rows", rows);
        printTable(rows);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, Json.write(json) + "\n");
        System.out.println("wrote " + out);
    }

    private static ForgetRequest glyphSubjects(ImageSet train) {
        if (!train.name().endsWith("+glyphs")) {
            throw new IllegalArgumentException("the data set has no glyph copies; add glyphs=N to its name");
        }
        Set<String> subjects = new TreeSet<>();
        for (int i = firstCopyPosition(train); i < train.size(); i++) {
            subjects.add(ImageSet.subjectOf(train.id(i)));
        }
        return ForgetRequest.ofSubjects(subjects);
    }

    // The copies are appended after the original images and are identical: the first position from which every
    // image equals the last one.
    private static int firstCopyPosition(ImageSet train) {
        int p = train.rows() * train.cols();
        float[] last = new float[p];
        float[] other = new float[p];
        train.copyPixels(train.size() - 1, last, 0);
        int i = train.size() - 1;
        while (i > 0) {
            train.copyPixels(i - 1, other, 0);
            if (!Arrays.equals(last, other)) {
                break;
            }
            i--;
        }
        return i;
    }

    private static ModelHandle parent(ImageSet train, DenoiserRecipe recipe, int channels, Path file)
            throws IOException {
        if (Files.exists(file)) {
            System.out.println("loading the original denoiser from " + file);
            try (InputStream in = Files.newInputStream(file)) {
                return Unlearning.loadModel(in);
            }
        }
        long start = System.nanoTime();
        ModelHandle model = Denoisers.train(train, recipe, channels);
        System.out.printf("trained the original denoiser in %.0f s; saved to %s%n", (System.nanoTime() - start) / 1e9,
                file);
        Files.createDirectories(file.toAbsolutePath().getParent());
        model.save(file);
        return model;
    }

    private static Map<String, Object> row(String method, Map<String, String> settings, Evaluation e, long wallMs,
            long backward) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("method", method);
        row.put("settings", settings == null ? Map.of() : settings);
        row.putAll(e.values());
        row.put("wallTimeMs", wallMs);
        row.put("backwardSamplePasses", backward);
        return row;
    }

    private static void printTable(List<Map<String, Object>> rows) {
        System.out.printf("%-20s %12s %12s %12s %12s %10s %12s%n", "method", "memorization", "forget loss",
                "test loss", "advantage", "wall s", "backward");
        for (Map<String, Object> r : rows) {
            System.out.printf("%-20s %12.3f %12.4f %12.4f %12.4f %10.1f %12d%n", r.get("method"),
                    (Double) r.get(DenoiserFamily.MEMORIZATION_SHARE.key()),
                    (Double) r.get(DenoiserFamily.FORGET_DENOISING_LOSS.key()),
                    (Double) r.get(DenoiserFamily.TEST_DENOISING_LOSS.key()),
                    (Double) r.get(DenoiserFamily.DENOISING_LOSS_ADVANTAGE.key()),
                    ((Long) r.get("wallTimeMs")) / 1000.0, (Long) r.get("backwardSamplePasses"));
        }
    }
}
