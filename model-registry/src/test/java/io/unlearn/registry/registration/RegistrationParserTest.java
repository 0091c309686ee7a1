package io.unlearn.registry.registration;

import io.unlearn.catalog.Threshold;
import io.unlearn.catalog.Comparator;
import io.unlearn.catalog.families.Classifiers;
import io.unlearn.registry.errors.InvalidRegistrationException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.unlearn.registry.RegistryFixtures.JSON;
import static io.unlearn.registry.RegistryFixtures.registrationJson;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegistrationParserTest {

    private final RegistrationParser parser = new RegistrationParser(JSON, 1024);

    private List<String> problems(String body) {
        return assertThrows(InvalidRegistrationException.class,
                () -> parser.parse(body.getBytes(StandardCharsets.UTF_8))).problems();
    }

    @Test
    void shouldReadEveryFieldOfAValidRegistration() {
        BaseModelRegistration r = parser.parse(registrationJson("fashion-classifier", "weights")
                .getBytes(StandardCharsets.UTF_8));

        assertEquals("fashion-classifier", r.modelId());
        assertEquals("base", r.baseVersionId());
        assertEquals(Classifiers.CLASSIFIER, r.family());
        assertEquals(64, r.architecture().get("embeddingDim"));
        assertEquals("contrastive", r.policy().method());
        assertEquals(Map.of("maxEpochs", "2", "lambdaUl", "0.5"), r.policy().settings());
        assertEquals(List.of(new Threshold("forget.accuracy", Comparator.AT_MOST, 0.2),
                new Threshold("retain.accuracy", Comparator.AT_LEAST, 0.8)), r.policy().thresholds());
        assertEquals(2, r.policy().maxFailuresBeforeRetrain());
        assertEquals(Map.of("user-1", List.of("0", "1"), "user-2", List.of("2")), r.dataset().subjects());
        assertArrayEquals("weights".getBytes(StandardCharsets.UTF_8), r.artifact());
    }

    @Test
    void shouldRefuseAPolicyTheModelsFamilyCannotCarryOut() {
        // Given the fixture's classifier policy (contrastive) given to families that cannot run it as written
        String contrastive = registrationJson("m", "weights");
        String classifier = "\"family\": \"classifier\"";
        String dkvb = contrastive.replace(classifier, "\"family\": \"dkvb_classifier\"")
                .replace("\"settings\": {\"maxEpochs\": 2, \"lambdaUl\": 0.5}", "\"settings\": {}");
        String torchscript = contrastive.replace(classifier, "\"family\": \"torchscript_classifier\"");
        String scripted = torchscript.replace("\"metric\": \"retain.accuracy\"", "\"metric\": \"average.gap\"");

        // Then DKVB models take the dkvb method only, and a TorchScript model cannot be judged against retraining
        assertEquals(List.of("policy.method: a dkvb_classifier model is unlearned by dkvb, not 'contrastive'"),
                problems(dkvb));
        assertEquals(List.of("policy.thresholds[1].metric: average.gap compares with exact retraining, which cannot"
                + " rebuild a torchscript_classifier model; bound the metric itself instead"), problems(scripted));
        assertEquals(Classifiers.TORCHSCRIPT_CLASSIFIER,
                parser.parse(torchscript.getBytes(StandardCharsets.UTF_8)).family());
    }

    @Test
    void shouldRefuseSettingsTheMethodDoesNotHaveOrOutOfRangeNamingTheFix() {
        // Given a contrastive policy with a mistyped setting, one out of range and a retrain.* one out of range
        String body = registrationJson("m", "weights").replace("\"settings\": {\"maxEpochs\": 2, \"lambdaUl\": 0.5}",
                "\"settings\": {\"maxEpoch\": 2, \"omega\": 0, \"retrain.epochs\": \"many\"}");

        // Then each is named with the allowed values, before any batch could fail on it
        List<String> problems = problems(body);
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("policy.settings.maxEpoch: contrastive has no such setting; its"
                + " settings are omega, tau, lambdaUl"), problems.get(0));
        assertEquals("policy.settings.omega: expected a whole number from 1 to 64, got '0'", problems.get(1));
        assertEquals("policy.settings.retrain.epochs: expected a whole number from 1 to 1000, got 'many'",
                problems.get(2));
    }

    @Test
    void shouldRefuseAThresholdOnAMetricTheFamilyDoesNotProduce() {
        String body = registrationJson("m", "weights").replace("\"metric\": \"retain.accuracy\"",
                "\"metric\": \"retain.acuracy\"");

        List<String> problems = problems(body);

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("policy.thresholds[1].metric: a classifier model's evaluation does not"
                + " produce 'retain.acuracy'; it produces forget.accuracy, retain.accuracy"), problems.get(0));
    }

    @Test
    void shouldReportEveryProblemOfARegistrationAtOnce() {
        // Given a body with something wrong in nearly every field
        String body = """
                {"modelId": "bad id!", "family": "transformer", "architecture": [1],
                 "policy": {"method": "forget_all", "settings": {"nested": {"a": 1}},
                            "thresholds": [{"metric": "Forget Accuracy", "comparator": "<", "threshold": "high"}],
                            "maxFailuresBeforeRetrain": -1},
                 "dataset": {"name": "", "subjects": {"user-1": ["0", "1"], "user-2": ["1"], "user-3": []}},
                 "artifactBase64": "***", "colour": "blue"}
                """;

        // When / Then: one message per problem, each naming the field and the value
        List<String> problems = problems(body);
        List<String> expectedPrefixes = List.of(
                "colour: unknown field",
                "modelId: must match",
                "family: this system implements classifier | dkvb_classifier | torchscript_classifier | dual_encoder"
                        + " | denoiser;"
                        + " 'transformer' is none of them",
                "architecture: must be a JSON object, got array [1]",
                "policy.settings.nested: must be a string, number or boolean",
                "policy.thresholds[0].metric: must be a lowercase dotted name",
                "policy.thresholds[0].comparator: must be <= or >=, got '<'",
                "policy.thresholds[0].threshold: must be a finite number, got \"high\"",
                "policy.maxFailuresBeforeRetrain: must be an integer from 0 to 100, got -1",
                "dataset.name: must be a non-blank string",
                "dataset.subjects.user-2: sample '1' is already owned by subject 'user-1'",
                "dataset.subjects.user-3: must be a non-empty list of sample ids",
                "artifactBase64: not valid base64");
        for (String prefix : expectedPrefixes) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(prefix)),
                    "missing '" + prefix + "' in " + problems);
        }
        assertEquals(expectedPrefixes.size(), problems.size(), problems.toString());
    }

    @Test
    void shouldNameEachMissingRequiredField() {
        List<String> problems = problems("{}");

        assertEquals(List.of("modelId: required", "family: required"), problems.subList(0, 2));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("policy: required")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("dataset: required")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("artifactBase64: required")));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("architecture: required")));
    }

    @Test
    void shouldSayWhereMalformedJsonBreaks() {
        List<String> problems = problems("{\"modelId\": \"m1\",,}");

        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("body is not valid JSON: ") && problems.get(0).contains("line 1"),
                problems.get(0));
    }

    @Test
    void shouldRejectABodyThatIsNotAnObject() {
        assertEquals(List.of("body must be a JSON object, got array"), problems("[1, 2]"));
        assertEquals(List.of("body must be a JSON object, got nothing"), problems(""));
    }

    @Test
    void shouldRejectAnArtifactOverTheLimitAndAnEmptyOne() {
        String big = registrationJson("m1", "x".repeat(2000));
        String empty = registrationJson("m1", "");

        assertTrue(problems(big).get(0).startsWith("artifactBase64: the artifact has 2000 bytes, more than the"
                + " limit of 1024 (artifact.max.bytes)"));
        assertEquals(List.of("artifactBase64: the artifact is empty; send the saved parameters"), problems(empty));
    }

    @Test
    void shouldRejectTheSameThresholdTwice() {
        String body = registrationJson("m1", "w").replace(
                "{\"metric\": \"retain.accuracy\", \"comparator\": \">=\", \"threshold\": 0.8}",
                "{\"metric\": \"forget.accuracy\", \"comparator\": \"<=\", \"threshold\": 0.3}");

        assertEquals(List.of("policy.thresholds[1]: duplicates an earlier threshold 'forget.accuracy <='"),
                problems(body));
    }
}
