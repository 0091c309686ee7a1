package io.unlearn.launcher.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unlearn.unlearning.spi.DkvbRecipe;
import io.unlearn.unlearning.spi.DualEncoderRecipe;
import io.unlearn.unlearning.spi.DualEncoders;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.TrainingRecipe;
import io.unlearn.unlearning.spi.Unlearning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Trains the base models of a scenario and registers them with the model-registry ({@code POST /models}), the way
 * an ML platform would hand over a freshly trained model: artifact, architecture, policy and training manifest.
 */
public final class BaseModels {

    private static final Logger LOG = LoggerFactory.getLogger(BaseModels.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private BaseModels() {
    }

    /**
     * Trains one classifier on all of {@code train} (and, for DKVB specs, a bottleneck on top of it) and registers
     * every spec.
     */
    public static void trainAndRegister(String registryUrl, String registryToken, String datasetName, ImageSet train,
                                        TrainingRecipe recipe, List<ModelSpec> specs) {
        long started = System.nanoTime();
        try (ModelHandle classifier = Unlearning.trainClassifier(train, recipe)) {
            LOG.info("Trained the base classifier on {} samples in {} s", train.size(),
                    (System.nanoTime() - started) / 1_000_000_000);
            for (ModelSpec spec : specs) {
                if (spec.family().equals("dkvb_classifier")) {
                    try (ModelHandle dkvb = Unlearning.trainDkvb(classifier, train, dkvbRecipe(train))) {
                        register(registryUrl, registryToken, spec, datasetName, train, bytes(dkvb));
                    }
                } else {
                    register(registryUrl, registryToken, spec, datasetName, train, bytes(classifier));
                }
            }
        }
    }

    /**
     * Trains a dual encoder on every image of {@code train} paired with its caption and registers it under each
     * spec (family {@code dual_encoder}).
     */
    public static void trainAndRegisterDualEncoder(String registryUrl, String registryToken, String datasetName,
                                                   ImageSet train, DualEncoderRecipe recipe, List<ModelSpec> specs) {
        long started = System.nanoTime();
        try (ModelHandle dualEncoder = DualEncoders.train(train, recipe)) {
            LOG.info("Trained the base dual encoder on {} pairs in {} s", train.size(),
                    (System.nanoTime() - started) / 1_000_000_000);
            for (ModelSpec spec : specs) {
                register(registryUrl, registryToken, spec, datasetName, train, bytes(dualEncoder));
            }
        }
    }

    /**
     * The default bottleneck (64 codebooks of 32 keys, k-means on 10,000 samples) suits Fashion-MNIST; a small
     * generated set has too few samples to fill it, so it gets the smaller one the unlearning module's tests use.
     */
    private static DkvbRecipe dkvbRecipe(ImageSet train) {
        return train.size() >= 10_000 ? DkvbRecipe.defaults()
                : new DkvbRecipe(32, 16, 4, train.size(), 10, 5, 0.02f, 3);
    }

    private static void register(String registryUrl, String registryToken, ModelSpec spec, String datasetName,
                                 ImageSet train, byte[] artifact) {
        ObjectNode body = JSON.createObjectNode();
        body.put("modelId", spec.modelId());
        body.put("family", spec.family());
        body.putObject("architecture").put("classes", train.numClasses()).put("rows", train.rows())
                .put("cols", train.cols());
        ObjectNode policy = body.putObject("policy");
        policy.put("method", spec.method());
        ObjectNode settings = policy.putObject("settings");
        new TreeMap<>(spec.settings()).forEach(settings::put);
        ArrayNode thresholds = policy.putArray("thresholds");
        for (List<Object> t : spec.thresholds()) {
            thresholds.addObject().put("metric", (String) t.get(0)).put("comparator", (String) t.get(1))
                    .put("threshold", ((Number) t.get(2)).doubleValue());
        }
        policy.put("maxFailuresBeforeRetrain", spec.maxFailuresBeforeRetrain());
        ObjectNode dataset = body.putObject("dataset");
        dataset.put("name", datasetName);
        ObjectNode subjects = dataset.putObject("subjects");
        if (spec.subjectsInManifest()) {
            // The dataset's own subjects: subject-N owns the samples 10N .. 10N+9 (ImageSet.subjectOf).
            Map<String, ArrayNode> bySubject = new TreeMap<>();
            for (int i = 0; i < train.size(); i++) {
                int id = train.id(i);
                bySubject.computeIfAbsent(ImageSet.subjectOf(id), s -> subjects.putArray(s)).add(Integer.toString(id));
            }
        }
        body.put("artifactBase64", Base64.getEncoder().encodeToString(artifact));
        HttpRequest request = HttpRequest.newBuilder(URI.create(registryUrl + "/models"))
                .timeout(Duration.ofMinutes(2)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + registryToken)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 201) {
                throw new IllegalStateException("registering " + spec.modelId() + " failed: HTTP "
                        + response.statusCode() + " " + response.body());
            }
            LOG.info("Registered {} ({}, policy {}, {} KiB artifact)", spec.modelId(), spec.family(), spec.method(),
                    artifact.length / 1024);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the model-registry at " + registryUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering " + spec.modelId(), e);
        }
    }

    private static byte[] bytes(ModelHandle model) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            model.save(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
