package io.unlearn.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.unlearn.cli.ConnectionOptions;
import io.unlearn.cli.ExitCodes;
import io.unlearn.cli.Table;
import io.unlearn.kit.modelregistry.ModelRegistryClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static io.unlearn.cli.commands.RegistryDocuments.abbreviate;
import static io.unlearn.cli.commands.RegistryDocuments.segment;
import static io.unlearn.cli.commands.RegistryDocuments.text;

/**
 * {@code unlearn lineage MODEL [--verify]}: a model's versions in chain order ({@code GET /models/{id}/versions}),
 * and with {@code --verify} the registry's check of every hash chain and stored artifact ({@code GET /lineage/verify}).
 */
@Command(name = "lineage", mixinStandardHelpOptions = true,
        description = {"Show a model's versions in chain order, base first (model-registry "
                + "GET /models/{id}/versions).",
                "--verify re-checks every lineage hash chain and stored artifact (GET /lineage/verify) and exits 6 on "
                        + "a break."})
public final class LineageCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "MODEL", description = "The model id.")
    String modelId;

    @Option(names = "--verify", description = "Also verify the lineage log; exit 6 if it is broken.")
    boolean verify;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ModelRegistryClient registry = connection.modelRegistryClient();
        JsonNode versions = RegistryDocuments.require(registry, "/models/" + segment(modelId) + "/versions",
                "model '" + modelId + "' is not registered; unlearn models lists the registered ones");
        Table table = new Table("version", "parent", "batch", "status", "requests", "artifact", "recorded");
        for (JsonNode v : versions) {
            List<String> requests = new ArrayList<>();
            v.path("requestIds").forEach(r -> requests.add(r.asText()));
            table.row(text(v, "versionId"), text(v, "parentVersionId"), text(v, "batchId"), text(v, "status"),
                    requests.isEmpty() ? null : requests.size() + " " + abbreviate(String.join(",", requests), 40),
                    abbreviate(text(v, "artifactDigest"), 15), text(v, "recordedAt"));
        }
        table.print(out);
        out.flush();
        if (!verify) {
            return ExitCodes.OK;
        }
        JsonNode check = RegistryDocuments.require(registry, "/lineage/verify", "the registry has no lineage check");
        if ("OK".equals(text(check, "status"))) {
            out.printf("lineage OK: %d events of %d models checked at %s%n", check.path("checkedEvents").asLong(),
                    check.path("checkedModels").asLong(), text(check, "checkedAt"));
            out.flush();
            return ExitCodes.OK;
        }
        JsonNode b = check.path("break");
        out.printf("lineage BROKEN: model %s, event %s, version %s: %s%n", text(b, "modelId"), text(b, "sequence"),
                text(b, "versionId"), text(b, "problem"));
        if (!modelId.equals(text(b, "modelId"))) {
            out.printf("(the break is in another model's chain; the registry reports the first break it finds)%n");
        }
        out.flush();
        return ExitCodes.LINEAGE_BROKEN;
    }
}
