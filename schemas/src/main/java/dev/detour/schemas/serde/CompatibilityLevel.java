package dev.detour.schemas.serde;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Schema Registry compatibility levels, decided with Avro's own {@link SchemaCompatibility}.
 * BACKWARD: consumers on the new schema read data written with the old one.
 * FORWARD: consumers on the old schema read data written with the new one.
 * FULL: both. The transitive levels check every earlier version, the others only the latest.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** The project's default, as the design brief asks. */
    public static final CompatibilityLevel DEFAULT = BACKWARD_TRANSITIVE;

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** Parses a level name as the REST API spells it (case-insensitive). */
    public static CompatibilityLevel parse(String name) {
        if (name == null) {
            throw new IllegalArgumentException("compatibility level is missing");
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown compatibility level '" + name + "'", e);
        }
    }

    public boolean isTransitive() {
        return transitive;
    }

    /**
     * The reasons the candidate may not follow the existing versions (oldest first); empty when it
     * may. Only the last version is checked unless the level is transitive.
     */
    public List<String> violations(Schema candidate, List<Schema> existingOldestFirst) {
        List<String> problems = new ArrayList<>();
        if (this == NONE || existingOldestFirst.isEmpty()) {
            return problems;
        }
        List<Schema> against = transitive
                ? existingOldestFirst
                : List.of(existingOldestFirst.get(existingOldestFirst.size() - 1));
        for (Schema existing : against) {
            if (backward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, existing),
                        "new schema cannot read data written with an earlier schema", problems);
            }
            if (forward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(existing, candidate),
                        "an earlier schema cannot read data written with the new schema", problems);
            }
        }
        return problems;
    }

    public boolean isCompatible(Schema candidate, List<Schema> existingOldestFirst) {
        return violations(candidate, existingOldestFirst).isEmpty();
    }

    private static void describe(SchemaPairCompatibility pair, String direction, List<String> problems) {
        if (pair.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (SchemaCompatibility.Incompatibility incompatibility : pair.getResult().getIncompatibilities()) {
            problems.add(direction + ": " + incompatibility.getType() + " at " + incompatibility.getLocation()
                    + " (" + incompatibility.getMessage() + ")");
        }
        if (pair.getResult().getIncompatibilities().isEmpty()) {
            problems.add(direction);
        }
    }
}
