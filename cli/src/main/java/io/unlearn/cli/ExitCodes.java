package io.unlearn.cli;

/**
 * The exit codes of {@code bin/unlearn}, for scripts. Listed in every {@code --help} and in cli/README.md.
 * 1 and 2 are picocli's own ({@code CommandLine.ExitCode.SOFTWARE} and {@code USAGE}).
 */
public final class ExitCodes {

    public static final int OK = 0;
    /** An unexpected error (a bug, or an answer the CLI cannot read); the message says which. */
    public static final int ERROR = 1;
    /** Bad options or arguments, or an input file that cannot be read at all. */
    public static final int USAGE = 2;
    /** A request was rejected or failed, or lines of the input file are invalid. */
    public static final int REJECTED = 3;
    /** Kafka, the schema registry or the model-registry cannot be reached. */
    public static final int UNAVAILABLE = 4;
    /** The request, model or dead letter asked for is unknown. */
    public static final int NOT_FOUND = 5;
    /** {@code lineage --verify} found a break in the hash chain or an altered artifact. */
    public static final int LINEAGE_BROKEN = 6;
    /** {@code --wait} or {@code --follow} ran out of time before every request settled. */
    public static final int TIMEOUT = 7;
    /** {@code status --overdue} or {@code --due} found a request whose deadline passed while it is still open. */
    public static final int OVERDUE = 8;
    /** {@code receipt --verify}: the receipt's signature, an artifact digest or a lineage event does not match. */
    public static final int RECEIPT_INVALID = 9;

    /** The exit-code section of every {@code --help}. */
    public static final String[] HELP = {
            "0:Success.",
            "1:Unexpected error.",
            "2:Usage error: bad option or argument, unreadable file.",
            "3:A request was rejected or failed, or input lines are invalid.",
            "4:Kafka, the schema registry or the model-registry is unreachable.",
            "5:The request, model or dead letter is unknown.",
            "6:lineage --verify found a break.",
            "7:--wait / --follow timed out before every request settled.",
            "8:status --overdue / --due found a request still open after its deadline.",
            "9:receipt --verify found a mismatch (signature, artifact digest or lineage event)."};

    private ExitCodes() {
    }
}
