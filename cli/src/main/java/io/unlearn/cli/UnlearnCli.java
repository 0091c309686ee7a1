package io.unlearn.cli;

import io.unlearn.cli.commands.AuditCommand;
import io.unlearn.cli.commands.DlqCommand;
import io.unlearn.cli.commands.LineageCommand;
import io.unlearn.cli.commands.ModelsCommand;
import io.unlearn.cli.commands.ReceiptCommand;
import io.unlearn.cli.commands.RegisterCommand;
import io.unlearn.cli.commands.SendCommand;
import io.unlearn.cli.commands.StatusCommand;
import io.unlearn.cli.errors.CliException;
import io.unlearn.kit.modelregistry.ModelRegistryUnavailableException;
import io.unlearn.schemas.errors.RegistryUnavailableException;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code bin/unlearn}: one executable for operators and auditors, a picocli command with a subcommand per task.
 *
 * <p>Run locally against {@code bin/demo --stay} (which prints the broker, registry and model-registry addresses):
 * <pre>
 * bin/unlearn send requests.jsonl --wait --bootstrap-servers 127.0.0.1:PORT --schema-registry URL
 * bin/unlearn status r-1 --follow --registry http://127.0.0.1:PORT
 * bin/unlearn models
 * bin/unlearn lineage fashion-classifier --verify
 * bin/unlearn dlq list
 * bin/unlearn receipt r-1
 * </pre>
 * Exit codes are in {@link ExitCodes}.
 */
@Command(name = "unlearn", mixinStandardHelpOptions = true, version = "unlearn 0.1.0",
        description = "Send deletion requests and follow them; register models; list models, lineage, dead letters"
                + " and the audit trail; give receipts.",
        subcommands = {SendCommand.class, StatusCommand.class, ModelsCommand.class, LineageCommand.class,
                DlqCommand.class, ReceiptCommand.class, RegisterCommand.class, AuditCommand.class,
                CommandLine.HelpCommand.class})
public final class UnlearnCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: exit codes in every help, exceptions mapped to exit codes. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new UnlearnCli());
        Map<String, String> exitCodes = new LinkedHashMap<>();
        for (String line : ExitCodes.HELP) {
            int colon = line.indexOf(':');
            exitCodes.put(line.substring(0, colon), line.substring(colon + 1));
        }
        describeExitCodes(cli, exitCodes);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            int code = exitCode(e);
            commandLine.getErr().println("unlearn " + commandLine.getCommandName() + ": " + message(e));
            if (code == ExitCodes.ERROR) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return code;
        });
        return cli;
    }

    private static void describeExitCodes(CommandLine cli, Map<String, String> exitCodes) {
        cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodes);
        cli.getSubcommands().values().forEach(sub -> describeExitCodes(sub, exitCodes));
    }

    static int exitCode(Throwable e) {
        if (e instanceof CliException c) {
            return c.exitCode();
        }
        if (e instanceof ModelRegistryUnavailableException || e instanceof RegistryUnavailableException
                || e instanceof TimeoutException) {
            return ExitCodes.UNAVAILABLE;
        }
        return ExitCodes.ERROR;
    }

    private static String message(Throwable e) {
        if (e instanceof TimeoutException) {
            return "Kafka did not answer in time (" + e.getMessage() + "); check --bootstrap-servers and"
                    + " --command-config";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: send, status, models, lineage,"
                + " dlq, receipt (unlearn help COMMAND explains each)");
    }
}
