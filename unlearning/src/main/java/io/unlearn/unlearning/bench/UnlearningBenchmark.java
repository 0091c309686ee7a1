package io.unlearn.unlearning.bench;

import io.unlearn.catalog.families.Classifiers;
import io.unlearn.catalog.FamilySpec;

import ai.djl.engine.Engine;
import io.unlearn.unlearning.internal.data.FashionMnist;
import io.unlearn.unlearning.spi.ContrastiveSettings;
import io.unlearn.unlearning.spi.DkvbRecipe;
import io.unlearn.unlearning.spi.DkvbSettings;
import io.unlearn.unlearning.spi.Evaluation;
import io.unlearn.unlearning.spi.EvaluationSettings;
import io.unlearn.unlearning.spi.FineTuneSettings;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.catalog.MetricSpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.NegGradPlusSettings;
import io.unlearn.unlearning.spi.TrainingRecipe;
import io.unlearn.unlearning.spi.Unlearning;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Fashion-MNIST unlearning benchmark: one seed, one run, two scenarios — (a) forget one class, (b) forget a
 * random 1% of the training samples (60 subjects x 10 samples). Rows: retrain (the reference), fine-tune,
 * NegGrad+, contrastive, and DKVB (class scenario only). Prints a table and writes JSON.
 *
 * <p>Run from the repository root: {@code bin/bench-unlearning} (sets the allocator variables and offline mode),
 * or {@code bin/bench-unlearning --forget-class 0 --seed 42 --epochs 4 --original /tmp/original.model} (the
 * last option loads the original classifier from that file if it exists, else trains and saves it there; its
 * training time is then not measured).
 */
public final class UnlearningBenchmark {

    /** Tribuo logs every logistic-regression fit at INFO; held strongly so the level set in main sticks. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    private final ImageSet train;
    private final ImageSet test;
    private final TrainingRecipe recipe;
    private final EvaluationSettings evaluation = EvaluationSettings.defaults();
    private final List<Map<String, Object>> scenarios = new ArrayList<>();

    private UnlearningBenchmark(ImageSet train, ImageSet test, TrainingRecipe recipe) {
        this.train = train;
        this.test = test;
        this.recipe = recipe;
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code --data-dir DIR --out FILE --forget-class N --seed S --epochs E}
     * @throws IOException when the JSON cannot be written
     */
    public static void main(String[] args) throws IOException {
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path dataDir = Path.of(opts.getOrDefault("data-dir", FashionMnist.DEFAULT_DIR.toString()));
        Path out = Path.of(opts.getOrDefault("out", "target/bench/unlearning.json"));
        int forgetClass = Integer.parseInt(opts.getOrDefault("forget-class", "0"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        TrainingRecipe recipe = TrainingRecipe.defaults().withSeed(seed)
                .withEpochs(Integer.parseInt(opts.getOrDefault("epochs", String.valueOf(TrainingRecipe.defaults()
                        .epochs()))));
        ImageSet train = Unlearning.fashionMnist(dataDir, true);
        ImageSet test = Unlearning.fashionMnist(dataDir, false);
        Path original = opts.containsKey("original") ? Path.of(opts.get("original")) : null;
        new UnlearningBenchmark(train, test, recipe).run(forgetClass, seed, out, original);
    }

    private ModelHandle original(Path cache) throws IOException {
        if (cache != null && Files.exists(cache)) {
            log("loading the original classifier from " + cache);
            try (var in = Files.newInputStream(cache)) {
                return Unlearning.loadModel(in);
            }
        }
        log("training the original classifier: " + recipe);
        ModelHandle model = Unlearning.trainClassifier(train, recipe);
        if (cache != null) {
            model.save(cache);
            log("saved the original classifier to " + cache);
        }
        return model;
    }

    private void run(int forgetClass, long seed, Path out, Path originalCache) throws IOException {
        long start = System.nanoTime();
        long t0 = System.nanoTime();
        try (ModelHandle original = original(originalCache)) {
            long originalMs = (System.nanoTime() - t0) / 1_000_000;
            log("original trained in " + originalMs + " ms on " + original.info().device());
            t0 = System.nanoTime();
            try (ModelHandle dkvb = Unlearning.trainDkvb(original, train, DkvbRecipe.defaults())) {
                long dkvbMs = (System.nanoTime() - t0) / 1_000_000;
                log("DKVB built in " + dkvbMs + " ms");
                UnlearningData classData = UnlearningData.of(train, test, ForgetRequest.ofClasses(forgetClass));
                scenarios.add(scenario("class", "forget class " + forgetClass + " ("
                        + FashionMnist.CLASS_NAMES[forgetClass] + ")", original, dkvb, classData));
                Random random = new Random(seed);
                Set<String> subjects = new TreeSet<>();
                int subjectCount = train.size() / ImageSet.SAMPLES_PER_SUBJECT;
                while (subjects.size() < subjectCount / 100) {
                    subjects.add("subject-" + random.nextInt(subjectCount));
                }
                UnlearningData sampleData = UnlearningData.of(train, test, ForgetRequest.ofSubjects(subjects));
                scenarios.add(scenario("samples", "forget " + subjects.size() + " random subjects ("
                        + sampleData.forgetPositions().length + " samples, 1%)", original, null, sampleData));
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("seed", seed);
                json.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
                json.put("djlVersion", Engine.getDjlVersion());
                json.put("device", original.info().device());
                json.put("recipe", recipe.toString());
                json.put("originalTrainingMs", originalMs);
                json.put("dkvbBuildMs", dkvbMs);
                json.put("totalMs", (System.nanoTime() - start) / 1_000_000);
                json.put("scenarios", scenarios);
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.writeString(out, Json.write(json) + "\n");
                log("wrote " + out.toAbsolutePath());
            }
        }
    }

    private Map<String, Object> scenario(String name, String description, ModelHandle original, ModelHandle dkvb,
            UnlearningData data) {
        log("=== scenario " + name + ": " + description + " " + data);
        List<Map<String, Object>> rows = new ArrayList<>();
        Evaluation before = Unlearning.evaluate(original, data, evaluation);
        log("original: " + before.values());
        UnlearningResult retrain = Unlearning.retrain(recipe).apply(original, data);
        Evaluation reference;
        try (ModelHandle m = retrain.model()) {
            Evaluation e = Unlearning.evaluate(m, data, evaluation);
            reference = e.withGapsTo(e, Classifiers.CLASSIFIER);
        }
        long retrainMs = retrain.cost().wallTimeMs();
        rows.add(row("original (before)", before.withGapsTo(reference, Classifiers.CLASSIFIER), null, retrainMs, Map.of()));
        rows.add(row("retrain", reference, retrain, retrainMs, retrain.details()));
        List<UnlearningMethod> methods = List.of(Unlearning.fineTune(FineTuneSettings.defaults()),
                Unlearning.negGradPlus(NegGradPlusSettings.defaults()),
                Unlearning.contrastive(ContrastiveSettings.defaults()));
        for (UnlearningMethod method : methods) {
            log("running " + method.name());
            UnlearningResult result = method.apply(original, data);
            try (ModelHandle m = result.model()) {
                Evaluation e = Unlearning.evaluate(m, data, evaluation).withGapsTo(reference, Classifiers.CLASSIFIER);
                rows.add(row(method.name(), e, result, retrainMs, result.details()));
            }
        }
        if (dkvb != null) {
            EvaluationSettings withProbe = evaluation.withProbe();
            Evaluation dkvbBefore = Unlearning.evaluate(dkvb, data, withProbe).withGapsTo(reference, Classifiers.CLASSIFIER);
            rows.add(row("dkvb (before)", dkvbBefore, null, retrainMs, Map.of()));
            for (DkvbSettings settings : List.of(DkvbSettings.defaults(),
                    DkvbSettings.defaults().examples(64))) {
                log("running dkvb " + settings);
                UnlearningResult result = Unlearning.dkvb(settings).apply(dkvb, data);
                try (ModelHandle m = result.model()) {
                    Evaluation e = Unlearning.evaluate(m, data, withProbe).withGapsTo(reference, Classifiers.CLASSIFIER);
                    Map<String, String> details = new LinkedHashMap<>(result.details());
                    details.remove("keys.masked");
                    rows.add(row("dkvb/" + settings.mode().name().toLowerCase(Locale.ROOT), e, result, retrainMs,
                            details));
                }
            }
        }
        printTable(description, rows);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", name);
        s.put("description", description);
        s.put("forgetSamples", data.forgetPositions().length);
        s.put("rows", rows);
        return s;
    }

    private static Map<String, Object> row(String method, Evaluation e, UnlearningResult result, long retrainMs,
            Map<String, String> details) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("method", method);
        r.put("metrics", e.values());
        if (result != null) {
            Map<String, Object> cost = new LinkedHashMap<>();
            cost.put("wallTimeMs", result.cost().wallTimeMs());
            cost.put("forwardSamplePasses", result.cost().forwardSamplePasses());
            cost.put("backwardSamplePasses", result.cost().backwardSamplePasses());
            r.put("cost", cost);
            r.put("timeFractionOfRetrain", (double) result.cost().wallTimeMs() / retrainMs);
        }
        r.put("details", details);
        return r;
    }

    @SuppressWarnings("unchecked")
    private static void printTable(String title, List<Map<String, Object>> rows) {
        StringBuilder b = new StringBuilder("\n").append(title).append('\n');
        b.append(String.format("%-18s %8s %8s %8s %8s %8s %8s %8s %9s %9s%n", "method", "forget", "retain", "test",
                "MIA", "MIA-AUC", "avg-gap", "probe", "wall-s", "x-retrain"));
        for (Map<String, Object> r : rows) {
            Map<String, Double> m = (Map<String, Double>) r.get("metrics");
            Map<String, Object> cost = (Map<String, Object>) r.get("cost");
            b.append(String.format("%-18s %8s %8s %8s %8s %8s %8s %8s %9s %9s%n", r.get("method"),
                    pct(m.get(Classifiers.FORGET_ACCURACY.key())), pct(m.get(Classifiers.RETAIN_ACCURACY.key())),
                    pct(m.get(Classifiers.TEST_ACCURACY.key())), pct(m.get(Classifiers.MIA_ACCURACY.key())),
                    pct(m.get(Classifiers.MIA_AUC.key())), pct(m.get(FamilySpec.AVERAGE_GAP)),
                    pct(m.get(Classifiers.PROBE_FORGET_ACCURACY.key())),
                    cost == null ? "-" : String.format("%.2f", ((Number) cost.get("wallTimeMs")).longValue() / 1000.0),
                    r.get("timeFractionOfRetrain") == null ? "-"
                            : String.format("%.3f", (Double) r.get("timeFractionOfRetrain"))));
        }
        b.append("(accuracies, MIA and gaps in %; avg-gap = mean |metric - retrain| over forget, retain, test, MIA)");
        System.out.println(b);
    }

    private static String pct(Double v) {
        return v == null ? "-" : String.format("%.2f", 100 * v);
    }

    private static void log(String message) {
        System.out.println("[bench] " + message);
    }
}
