package dev.detour.registry.internal;

import dev.detour.registry.internal.LogEntry.ConfigEntry;
import dev.detour.registry.internal.LogEntry.SchemaEntry;
import dev.detour.registry.internal.LogEntry.SchemaRemoved;
import dev.detour.schemas.serde.CompatibilityLevel;
import dev.detour.schemas.serde.SchemaRegistryException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryStateTest {

    private static final String A = "{\"type\":\"record\",\"name\":\"A\",\"fields\":[]}";
    private static final String B = "{\"type\":\"record\",\"name\":\"B\",\"fields\":[]}";

    private final RegistryState state = new RegistryState(CompatibilityLevel.BACKWARD_TRANSITIVE);

    @Test
    void theFirstWriterOfAnIdWinsAndTheLaterIsIgnored() {
        assertThat(state.apply(new SchemaEntry("x", 1, 1, A, false))).isTrue();
        assertThat(state.apply(new SchemaEntry("y", 1, 1, B, false))).as("id 1 already names A").isFalse();
        assertThat(state.apply(new SchemaEntry("y", 1, 2, A, false))).as("A already has id 1").isFalse();
        assertThat(state.apply(new SchemaEntry("x", 1, 2, B, false))).as("x v1 is already id 1").isFalse();

        assertThat(state.subjects(false)).containsExactly("x");
        assertThat(state.schemaById(1)).contains(A);
        assertThat(state.schemaById(2)).isEmpty();
        assertThat(state.maxId()).isEqualTo(1);
    }

    @Test
    void replayingTheSameEntryAgainIsHarmless() {
        SchemaEntry entry = new SchemaEntry("x", 1, 1, A, false);
        state.apply(entry);
        assertThat(state.apply(entry)).isTrue();
        assertThat(state.versions("x", true)).containsExactly(entry);
    }

    @Test
    void softDeleteHidesAndRemovalForgetsTheVersionButNotTheId() {
        state.apply(new SchemaEntry("x", 1, 1, A, false));
        state.apply(new SchemaEntry("x", 1, 1, A, true));
        assertThat(state.subjects(false)).isEmpty();
        assertThat(state.subjects(true)).containsExactly("x");
        assertThat(state.maxVersion("x")).isEqualTo(1);

        state.apply(new SchemaRemoved("x", 1, 1));
        assertThat(state.subjects(true)).isEmpty();
        assertThat(state.schemaById(1)).contains(A);
    }

    @Test
    void configEntriesSetAndUnsetLevels() {
        state.apply(new ConfigEntry(null, CompatibilityLevel.FULL));
        state.apply(new ConfigEntry("x", CompatibilityLevel.NONE));
        assertThat(state.effectiveLevel("x")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(state.effectiveLevel("y")).isEqualTo(CompatibilityLevel.FULL);
        state.apply(new ConfigEntry("x", null));
        state.apply(new ConfigEntry(null, null));
        assertThat(state.effectiveLevel("x")).isEqualTo(CompatibilityLevel.BACKWARD_TRANSITIVE);
    }

    @Test
    void everyEntrySurvivesTheTopicEncoding() throws IOException {
        for (LogEntry entry : List.of(new SchemaEntry("orders-value", 3, 17, A, true),
                new SchemaRemoved("orders-value", 3, 17), new ConfigEntry(null, CompatibilityLevel.FORWARD),
                new ConfigEntry("orders-value", CompatibilityLevel.FULL_TRANSITIVE), new ConfigEntry("orders-value", null))) {
            LogCodec.Encoded encoded = LogCodec.encode(entry);
            assertThat(LogCodec.decode(encoded.key(), encoded.value())).contains(entry);
        }
        assertThat(new String(LogCodec.encode(new ConfigEntry(null, CompatibilityLevel.FULL)).key()))
                .isEqualTo("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}");
        assertThat(LogCodec.decode("{\"keytype\":\"NOOP\",\"magic\":0}".getBytes(), null)).isEmpty();
    }

    @Test
    void aLostRaceIsRetriedOnTheNewerState() {
        // A log where another writer slips in an entry just before ours, once.
        SchemaLog racing = new SchemaLog() {
            boolean raced;

            @Override
            public void appendAndAwait(LogEntry entry) {
                if (!raced && entry instanceof SchemaEntry mine) {
                    raced = true;
                    state.apply(new SchemaEntry("other", 1, mine.id(), B, false));
                }
                state.apply(entry);
            }

            @Override
            public void close() {
            }
        };
        Registry registry = new Registry(state, racing);

        int id = registry.register("mine", A);

        assertThat(id).isEqualTo(2);
        assertThat(registry.schemaById(1)).isEqualTo(B);
        assertThat(registry.schemaById(2)).isEqualTo(A);
        assertThat(registry.versions("mine", false)).containsExactly(1);
    }

    @Test
    void registryRulesWithoutKafka() {
        Registry registry = new Registry(state, new InMemorySchemaLog(state));
        int id = registry.register("x", A);
        assertThat(registry.register("x", " " + A + " ")).as("same schema, other whitespace").isEqualTo(id);
        assertThat(registry.lookup("x", A).version()).isEqualTo(1);
        assertThatThrownBy(() -> registry.register("x", B)).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(409));
        assertThatThrownBy(() -> registry.register("x", "{nope")).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(42201));
    }
}
