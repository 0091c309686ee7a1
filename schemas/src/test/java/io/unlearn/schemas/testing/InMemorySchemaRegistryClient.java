package io.unlearn.schemas.testing;

import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.errors.IncompatibleSchemaException;
import io.unlearn.schemas.errors.UnknownSchemaIdException;
import io.unlearn.schemas.errors.UnknownSubjectException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A schema registry in memory, for topology tests that need no network ({@code *Test}); every {@code *IT}
 * uses a real registry instead. Ids are global and start at 1, and one schema has one id across subjects (as in
 * Confluent and Apicurio). Compatibility is BACKWARD, Confluent's default (Apicurio's global default is NONE).
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final Map<Integer, Schema> byId = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        for (int id : versions) {
            if (byId.get(id).equals(schema)) {
                return id;
            }
        }
        if (!isCompatible(subject, schema)) {
            throw new IncompatibleSchemaException("subject " + subject
                    + ": schema is not BACKWARD-compatible with the latest version (in-memory registry)");
        }
        int id = byId.entrySet().stream().filter(e -> e.getValue().equals(schema)).map(Map.Entry::getKey)
                .findFirst().orElse(byId.size() + 1);
        byId.put(id, schema);
        versions.add(id);
        return id;
    }

    @Override
    public synchronized Schema getById(int id) {
        Schema schema = byId.get(id);
        if (schema == null) {
            throw new UnknownSchemaIdException("schema id " + id + " is not registered (in-memory registry)");
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new UnknownSubjectException("subject " + subject + " has no versions (in-memory registry)");
        }
        int id = versions.get(versions.size() - 1);
        return new RegisteredSchema(subject, id, versions.size(), byId.get(id));
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        List<Integer> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            return true;
        }
        Schema latest = byId.get(versions.get(versions.size() - 1));
        return SchemaCompatibility.checkReaderWriterCompatibility(schema, latest).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }
}
