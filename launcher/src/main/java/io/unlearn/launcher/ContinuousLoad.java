package io.unlearn.launcher;

import io.unlearn.launcher.scenario.BaseModels;
import io.unlearn.launcher.scenario.ModelSpec;
import io.unlearn.launcher.scenario.PoissonLoad;
import io.unlearn.localstack.ApicurioRegistryProcess;
import io.unlearn.localstack.KafkaBrokerProcess;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.unlearning.spi.Dataset;
import io.unlearn.unlearning.spi.TrainingRecipe;
import io.unlearn.unlearning.spi.Unlearning;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The continuous-load benchmark ({@code bin/bench-continuous}): the whole local system (broker, schema registry, the
 * four services as processes) under deletion requests arriving as a Poisson process, with bad input mixed in.
 * Prints a progress line with the backlog, then latency from request to VERIFIED (p50/p95/p99) and the requests
 * lost (must be 0), and writes the same as JSON.
 *
 * <pre>
 *   --minutes M        how long requests arrive (default 10)
 *   --rate R           requests per second (default 0.5)
 *   --bad-share S      share of bad input: re-sent ids, unknown models, unknown sample ids (default 0.1)
 *   --drain-min D      how long to wait for the backlog afterwards (default 15)
 *   --dataset NAME     default "synthetic?samples=4000&amp;classes=10&amp;side=16&amp;seed=5"
 *   --epochs E         base classifier's training epochs (default 2)
 *   --work-dir DIR     default target/bench-continuous
 *   --report FILE      default WORK_DIR/continuous.json
 * </pre>
 */
public final class ContinuousLoad {

    static final String MODEL = "load-classifier";

    private ContinuousLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Launcher.parse(args);
        PrintStream out = System.out;
        double minutes = Double.parseDouble(options.getOrDefault("minutes", "10"));
        double rate = Double.parseDouble(options.getOrDefault("rate", "0.5"));
        double badShare = Double.parseDouble(options.getOrDefault("bad-share", "0.1"));
        Duration drain = Duration.ofMinutes(Long.parseLong(options.getOrDefault("drain-min", "15")));
        String datasetName = options.getOrDefault("dataset", "synthetic?samples=4000&classes=10&side=16&seed=5");
        int epochs = Integer.parseInt(options.getOrDefault("epochs", "2"));
        Path workDir = Path.of(options.getOrDefault("work-dir", "target/bench-continuous")).toAbsolutePath();
        Path report = Path.of(options.getOrDefault("report", workDir.resolve("continuous.json").toString()));
        Launcher.deleteRecursively(workDir.resolve("stream-processor-state"));

        Dataset dataset = Unlearning.dataset(datasetName);
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start();
             ApicurioRegistryProcess schemaRegistry = ApicurioRegistryProcess.start();
             LocalDeployment deployment = LocalDeployment.start(broker.bootstrapServers(),
                     schemaRegistry.ccompatUrl(), workDir, Map.of(Service.STREAM_PROCESSOR,
                             Map.of("batch.max.wait.ms", "5000")), Duration.ofMinutes(3))) {
            ModelSpec model = new ModelSpec(MODEL, "classifier", "contrastive", Map.of(),
                    List.of(List.of("mia.accuracy", "<=", 0.65), List.of("test.accuracy", ">=", 0.5)), 2, true);
            out.println("== Training and registering " + MODEL + " on " + datasetName);
            BaseModels.trainAndRegister(deployment.modelRegistryUrl(), deployment.modelRegistryToken(),
                    dataset.name(), dataset.train(),
                    TrainingRecipe.defaults().withEpochs(epochs), List.of(model));
            out.printf("== Sending %.2f requests/s for %.1f min (%.0f %% bad input), then draining for up to %d min%n",
                    rate, minutes, badShare * 100, drain.toMinutes());
            PoissonLoad load = new PoissonLoad(deployment.bootstrapServers(),
                    new RestSchemaRegistryClient(deployment.schemaRegistryUrl()), dataset.train(), MODEL, 42);
            PoissonLoad.Result result = load.run(rate, Duration.ofMillis((long) (minutes * 60_000)), badShare, drain,
                    Duration.ofSeconds(30), out);
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("dataset", datasetName);
            context.put("ratePerSecond", rate);
            context.put("minutes", minutes);
            context.put("badShare", badShare);
            context.put("policy", "contrastive; mia.accuracy <= 0.65, test.accuracy >= 0.5");
            context.put("cores", Runtime.getRuntime().availableProcessors());
            context.put("at", Instant.now().toString());
            out.println("== Result");
            PoissonLoad.report(result, context, out, report);
            if (result.lost() > 0 || result.finalTwice() > 0) {
                System.exit(1);
            }
        }
    }
}
