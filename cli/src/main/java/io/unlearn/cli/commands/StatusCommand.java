package io.unlearn.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.unlearn.cli.ConnectionOptions;
import io.unlearn.cli.DurationConverter;
import io.unlearn.cli.ExitCodes;
import io.unlearn.cli.Table;
import io.unlearn.cli.errors.CliException;
import io.unlearn.cli.requests.RequestOutcomes;
import io.unlearn.cli.requests.RequestOutcomes.Outcome;
import io.unlearn.kit.modelregistry.ModelRegistryClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

import static io.unlearn.cli.commands.RegistryDocuments.segment;
import static io.unlearn.cli.commands.RegistryDocuments.text;

/**
 * {@code unlearn status ID [--follow]}: a deletion request as the model-registry knows it
 * ({@code GET /requests/{id}}): its status history and, per model, the first version that excludes it.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show a deletion request's status history and, per model, the first version that excludes it "
                + "(model-registry GET /requests/{id}).",
                "--follow polls until the request settles (VERIFIED or FAILED for every model, or REJECTED, "
                        + "DUPLICATE_OF, NO_MODELS_AFFECTED) and prints each new status as it arrives."})
public final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "REQUEST_ID", description = "The deletion request's id.")
    String requestId;

    @Option(names = "--follow", description = "Poll until the request settles.")
    boolean follow;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "With --follow: time between polls. Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", converter = DurationConverter.class,
            description = "With --follow: give up after this long (exit 7). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--json", description = "Print the registry's JSON answer instead of tables.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        ModelRegistryClient registry = connection.modelRegistryClient();
        String path = "/requests/" + segment(requestId);
        long deadline = System.nanoTime() + timeout.toNanos();
        int shown = 0;
        while (true) {
            Optional<JsonNode> answer = registry.getJson(path);
            RequestOutcomes.Summary summary = answer.map(r -> RegistryDocuments.outcome(requestId, r)).orElse(null);
            boolean settled = summary != null && summary.outcome() != Outcome.PENDING;
            if (!follow || settled || System.nanoTime() > deadline) {
                if (answer.isEmpty()) {
                    throw new CliException(follow ? ExitCodes.TIMEOUT : ExitCodes.NOT_FOUND, "deletion request '"
                            + requestId + "' is unknown to the model-registry at " + registry.baseUrl()
                            + (follow ? " after " + timeout.toSeconds() + " s" : "; it has no status yet: was it "
                            + "sent, and is the stream-processor running? (--follow waits for it)"));
                }
                print(answer.get(), shown, out);
                out.printf("outcome: %s%s%n", summary.outcome(), summary.reasons().isEmpty() ? ""
                        : " (" + String.join("; ", summary.reasons()) + ")");
                out.flush();
                return switch (summary.outcome()) {
                    case REJECTED, FAILED -> ExitCodes.REJECTED;
                    case PENDING -> follow ? ExitCodes.TIMEOUT : ExitCodes.OK;
                    default -> ExitCodes.OK;
                };
            }
            if (answer.isPresent() && !json) {
                shown = printHistory(answer.get(), shown, out);
            }
            Thread.sleep(interval.toMillis());
        }
    }

    private void print(JsonNode request, int alreadyShown, PrintWriter out) {
        if (json) {
            out.println(request.toPrettyString());
            return;
        }
        printHistory(request, alreadyShown, out);
        Table models = new Table("model", "first excluding version", "verified", "current", "current excludes",
                "attempts");
        for (JsonNode m : request.path("models")) {
            JsonNode first = m.path("firstExcludingVersion");
            StringBuilder attempts = new StringBuilder();
            m.path("attempts").forEach(a -> attempts.append(attempts.isEmpty() ? "" : ", ")
                    .append(text(a, "versionId")).append(" ").append(text(a, "status")));
            models.row(text(m, "modelId"), first.isMissingNode() || first.isNull() ? null
                            : text(first, "versionId") + (m.path("excludedOnArrival").asBoolean() ? " (on arrival)" : ""),
                    first.isObject() ? text(first, "verifiedAt") : null, text(m, "currentVersionId"),
                    m.path("currentVersionExcludes").asBoolean() ? "yes" : "no",
                    attempts.isEmpty() ? null : attempts);
        }
        if (models.size() > 0) {
            out.println();
            models.print(out);
        }
    }

    /** Prints the history entries after the first {@code alreadyShown}; returns how many are shown now. */
    private static int printHistory(JsonNode request, int alreadyShown, PrintWriter out) {
        JsonNode history = request.path("history");
        if (history.size() <= alreadyShown) {
            return alreadyShown;
        }
        Table table = new Table("at", "state", "model", "version", "stage", "reason");
        for (int i = alreadyShown; i < history.size(); i++) {
            JsonNode s = history.get(i);
            table.row(text(s, "at"), text(s, "state"), text(s, "modelId"), text(s, "versionId"), text(s, "stage"),
                    text(s, "reason") == null || text(s, "reason").isEmpty() ? null : text(s, "reason"));
        }
        table.print(out);
        return history.size();
    }
}
