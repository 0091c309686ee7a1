package io.unlearn.schemas;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

import java.util.List;

/**
 * The rule every change to a contract must pass: a new schema must be able to read everything written with
 * every released version (BACKWARD compatibility, Confluent's default rule), because records of old versions stay
 * in the topics (the lineage log forever) and services are upgraded one at a time.
 */
public final class SchemaEvolution {

    private SchemaEvolution() {
    }

    /**
     * Why {@code current} (as reader) cannot read data written with {@code released} (as writer), one line per
     * problem with its location in the schema; empty when it can. Typical causes: a new field without a default,
     * a removed enum symbol, a changed type.
     */
    public static List<String> backwardIncompatibilities(Schema current, Schema released) {
        SchemaCompatibility.SchemaCompatibilityResult result =
                SchemaCompatibility.checkReaderWriterCompatibility(current, released).getResult();
        return result.getIncompatibilities().stream().map(SchemaEvolution::describe).toList();
    }

    private static String describe(Incompatibility i) {
        return i.getType() + " at " + i.getLocation() + ": " + i.getMessage();
    }
}
