package io.unlearn.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.unlearn.cli.ConnectionOptions;
import io.unlearn.cli.ExitCodes;
import io.unlearn.cli.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import static io.unlearn.cli.commands.RegistryDocuments.text;

/** {@code unlearn models}: the registered models ({@code GET /models}) as a table. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the registered models: family, current version (production, else the base), "
                + "version count, aliases, registration time (model-registry GET /models).")
public final class ModelsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "Print the registry's JSON answer instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode models = RegistryDocuments.require(connection.modelRegistryClient(), "/models", "no model list");
        if (json) {
            out.println(models.toPrettyString());
            out.flush();
            return ExitCodes.OK;
        }
        Table table = new Table("model", "family", "current", "base", "versions", "aliases", "registered");
        for (JsonNode m : models) {
            StringBuilder aliases = new StringBuilder();
            m.path("aliases").fields().forEachRemaining(a -> aliases.append(aliases.isEmpty() ? "" : ", ")
                    .append(a.getKey()).append("=").append(a.getValue().asText()));
            table.row(text(m, "modelId"), text(m, "family"), text(m, "currentVersionId"), text(m, "baseVersionId"),
                    m.path("versionCount").asInt(), aliases.isEmpty() ? null : aliases, text(m, "registeredAt"));
        }
        table.print(out);
        out.printf("%d models%n", table.size());
        out.flush();
        return ExitCodes.OK;
    }
}
