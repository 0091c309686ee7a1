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
import picocli.CommandLine.ParameterException;
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
 * {@code unlearn status --overdue} / {@code --due WITHIN}: the open requests past or near their deadline
 * ({@code GET /deadlines}), exiting {@link ExitCodes#OVERDUE} when any is past it, so a scheduled job can alert.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show a deletion request's status history, its deadline and, per model, the first version that "
                + "excludes it (model-registry GET /requests/{id}).",
                "--follow polls until the request settles (VERIFIED or FAILED for every model, or REJECTED, "
                        + "DUPLICATE_OF, NO_MODELS_AFFECTED) and prints each new status as it arrives.",
                "Without REQUEST_ID, --overdue lists the open requests whose deadline has passed, and --due WITHIN "
                        + "those due within WITHIN too (model-registry GET /deadlines), earliest deadline first, with "
                        + "the count of requests that settled after their deadline (late). Exit 8 when any listed "
                        + "request is overdue, 0 otherwise."})
public final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "REQUEST_ID", arity = "0..1",
            description = "The deletion request's id; omit it with --overdue or --due.")
    String requestId;

    @Option(names = "--overdue", description = "List the open requests whose deadline has passed (exit 8 if any).")
    boolean overdue;

    @Option(names = "--due", paramLabel = "WITHIN", converter = DurationConverter.class,
            description = "List the open requests due within WITHIN (e.g. 7d, 12h, P7D), overdue ones included "
                    + "(exit 8 if any is overdue).")
    Duration due;

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
        if (overdue || due != null) {
            if (requestId != null || follow) {
                throw new ParameterException(spec.commandLine(), "--overdue and --due list requests by deadline; "
                        + "give no REQUEST_ID and no --follow with them");
            }
            return deadlines(registry, due == null ? Duration.ZERO : due, out);
        }
        if (requestId == null) {
            throw new ParameterException(spec.commandLine(), "name a REQUEST_ID, or list by deadline with --overdue "
                    + "or --due WITHIN");
        }
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

    /** Lists the open requests due within {@code within} (zero: overdue only); exit 8 when any is overdue. */
    private int deadlines(ModelRegistryClient registry, Duration within, PrintWriter out) {
        JsonNode answer = registry.getJson("/deadlines?within=" + within)
                .orElseThrow(() -> new CliException(ExitCodes.ERROR, "the model-registry at " + registry.baseUrl()
                        + " has no /deadlines; is it older than this CLI?"));
        if (json) {
            out.println(answer.toPrettyString());
        } else {
            Table table = new Table("deadline", "request", "overdue", "state", "models");
            for (JsonNode r : answer.path("due")) {
                StringBuilder models = new StringBuilder();
                r.path("models").fields().forEachRemaining(m -> models.append(models.isEmpty() ? "" : ", ")
                        .append(m.getKey()).append(" ").append(m.getValue().asText()));
                table.row(text(r, "deadline"), text(r, "requestId"), r.path("overdue").asBoolean() ? "OVERDUE" : null,
                        text(r, "state"), models.isEmpty() ? null : models);
            }
            if (table.size() > 0) {
                table.print(out);
            }
            out.printf("%d overdue, %d open due within %s; %d settled after their deadline (late)%n",
                    answer.path("overdueCount").asInt(), answer.path("dueCount").asInt(), within,
                    answer.path("lateCount").asInt());
        }
        out.flush();
        return answer.path("overdueCount").asInt() > 0 ? ExitCodes.OVERDUE : ExitCodes.OK;
    }

    private void print(JsonNode request, int alreadyShown, PrintWriter out) {
        if (json) {
            out.println(request.toPrettyString());
            return;
        }
        if (!request.path("deadline").isMissingNode() && !request.path("deadline").isNull()) {
            out.printf("deadline: %s%s%n", text(request, "deadline"), request.path("settledAt").isTextual()
                    ? ", settled " + text(request, "settledAt") : "");
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
