package io.unlearn.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unlearn.cli.ConnectionOptions;
import io.unlearn.cli.ExitCodes;
import io.unlearn.cli.errors.CliException;
import io.unlearn.kit.modelregistry.ModelRegistryClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Callable;

/**
 * {@code unlearn register REGISTRATION.json --artifact FILE}: hands a trained base model to the model-registry
 * ({@code POST /models}). The registration file is the body the registry documents, without the artifact; the
 * artifact (the family's parameter file, or a TorchScript file for a classifier) is read from its own file and sent
 * base64-encoded in the body, so nobody has to build that by hand.
 */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = {"Register a trained base model with the model-registry (POST /models).",
                "REGISTRATION is a JSON file: modelId, family, architecture, policy {method, settings, thresholds, "
                        + "maxFailuresBeforeRetrain}, dataset {name, subjects}, optional baseVersionId "
                        + "(the registry's README shows one). The artifact comes from --artifact.",
                "Needs the registry's write token in env UNLEARN_REGISTRY_TOKEN. A TorchScript file is code: "
                        + "register only files you trust.",
                "Exits 3 when the registry rejects the registration (every problem is listed) or the model id "
                        + "is registered already."})
public final class RegisterCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "REGISTRATION", description = "JSON file describing the model (no artifactBase64).")
    Path registration;

    @Option(names = "--artifact", required = true, paramLabel = "FILE",
            description = "The trained model: the family's parameter file, or a TorchScript file.")
    Path artifact;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectNode body = readRegistration();
        byte[] bytes = read(artifact, "artifact");
        body.put("artifactBase64", Base64.getEncoder().encodeToString(bytes));

        ModelRegistryClient registry = connection.modelRegistryClient();
        ModelRegistryClient.Answer answer;
        try {
            answer = registry.postJson("/models", JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new CliException(ExitCodes.ERROR, "cannot encode the registration: " + e.getMessage());
        }
        JsonNode reply = answer.body() == null ? JSON.missingNode() : answer.body();
        switch (answer.status()) {
            case 201 -> {
                out.printf("registered %s (%s), base version %s, %d KiB artifact%n",
                        reply.path("modelId").asText(body.path("modelId").asText()), body.path("family").asText(),
                        reply.path("baseVersionId").asText("base"), bytes.length / 1024);
                out.flush();
                return ExitCodes.OK;
            }
            case 400, 413, 415 -> {
                err.printf("the model-registry rejected the registration (HTTP %d):%n", answer.status());
                if (reply.path("problems").isArray() && !reply.path("problems").isEmpty()) {
                    reply.path("problems").forEach(p -> err.println("  - " + p.asText()));
                } else {
                    err.println("  " + answer.error());
                }
                err.flush();
                return ExitCodes.REJECTED;
            }
            case 401 -> throw new CliException(ExitCodes.REJECTED, "the model-registry refused the credential (HTTP"
                    + " 401): set env UNLEARN_REGISTRY_TOKEN to its http.auth.token");
            case 409 -> throw new CliException(ExitCodes.REJECTED, "model '" + body.path("modelId").asText()
                    + "' is registered already: " + answer.error());
            default -> throw new CliException(ExitCodes.UNAVAILABLE, "the model-registry answered HTTP "
                    + answer.status() + ": " + answer.error());
        }
    }

    private ObjectNode readRegistration() {
        JsonNode node;
        try {
            node = JSON.readTree(read(registration, "registration"));
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, registration + " is not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new CliException(ExitCodes.USAGE, registration + " must hold one JSON object");
        }
        if (node.has("artifactBase64")) {
            throw new CliException(ExitCodes.USAGE, registration + " has artifactBase64; give the artifact with "
                    + "--artifact instead");
        }
        return (ObjectNode) node;
    }

    private static byte[] read(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read the " + what + " file " + file + ": " + e);
        }
    }
}
