package dev.detour.schemas.serde;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.detour.schemas.serde.CompatibilityLevel.BACKWARD;
import static dev.detour.schemas.serde.CompatibilityLevel.BACKWARD_TRANSITIVE;
import static dev.detour.schemas.serde.CompatibilityLevel.FORWARD;
import static dev.detour.schemas.serde.CompatibilityLevel.FORWARD_TRANSITIVE;
import static dev.detour.schemas.serde.CompatibilityLevel.FULL;
import static dev.detour.schemas.serde.CompatibilityLevel.FULL_TRANSITIVE;
import static dev.detour.schemas.serde.CompatibilityLevel.NONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompatibilityLevelTest {

    private static Schema record(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Job\",\"fields\":[" + fields + "]}");
    }

    private static final Schema V1 = record("{\"name\":\"id\",\"type\":\"string\"}");
    /** V1 + optional field: readable both ways. */
    private static final Schema V2_OPTIONAL = record("{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"tenant\",\"type\":[\"null\",\"string\"],\"default\":null}");
    /** V1 + required field: new readers cannot read V1 data (no default); old readers can read new data. */
    private static final Schema V2_REQUIRED = record("{\"name\":\"id\",\"type\":\"string\"},"
            + "{\"name\":\"tenant\",\"type\":\"string\"}");
    /** Drops the required id: old readers cannot read its data. */
    private static final Schema V3_NO_ID = record(
            "{\"name\":\"tenant\",\"type\":[\"null\",\"string\"],\"default\":null}");

    @Test
    void anOptionalFieldPassesEveryLevel() {
        for (CompatibilityLevel level : CompatibilityLevel.values()) {
            assertThat(level.isCompatible(V2_OPTIONAL, List.of(V1))).as(level.name()).isTrue();
        }
    }

    @Test
    void aRequiredNewFieldBreaksBackwardButNotForward() {
        assertThat(BACKWARD.violations(V2_REQUIRED, List.of(V1))).singleElement().asString()
                .contains("READER_FIELD_MISSING_DEFAULT").contains("tenant");
        assertThat(FORWARD.isCompatible(V2_REQUIRED, List.of(V1))).isTrue();
        assertThat(FULL.isCompatible(V2_REQUIRED, List.of(V1))).isFalse();
        assertThat(NONE.isCompatible(V2_REQUIRED, List.of(V1))).isTrue();
    }

    @Test
    void droppingARequiredFieldBreaksForwardButNotBackward() {
        assertThat(BACKWARD.isCompatible(V3_NO_ID, List.of(V2_OPTIONAL))).isTrue();
        assertThat(FORWARD.isCompatible(V3_NO_ID, List.of(V2_OPTIONAL))).isFalse();
    }

    @Test
    void transitiveLevelsCheckEveryVersionTheOthersOnlyTheLatest() {
        // Only the oldest version has id as a string: the non-transitive levels never look at it.
        Schema old = record("{\"name\":\"id\",\"type\":\"string\"}");
        Schema middle = record("{\"name\":\"code\",\"type\":\"int\",\"default\":0}");
        Schema candidate = record("{\"name\":\"code\",\"type\":\"int\",\"default\":0},"
                + "{\"name\":\"id\",\"type\":\"long\",\"default\":0}");
        List<Schema> history = List.of(old, middle);

        assertThat(BACKWARD.isCompatible(candidate, history)).isTrue();
        assertThat(BACKWARD_TRANSITIVE.isCompatible(candidate, history)).isFalse();
        assertThat(FORWARD.isCompatible(candidate, history)).isTrue();
        assertThat(FORWARD_TRANSITIVE.isCompatible(candidate, history)).isFalse();
        assertThat(FULL.isCompatible(candidate, history)).isTrue();
        assertThat(FULL_TRANSITIVE.isCompatible(candidate, history)).isFalse();
    }

    @Test
    void theFirstVersionIsAlwaysAccepted() {
        assertThat(FULL_TRANSITIVE.isCompatible(V2_REQUIRED, List.of())).isTrue();
    }

    @Test
    void levelsParseAsTheRestApiSpellsThem() {
        assertThat(CompatibilityLevel.parse("backward_transitive")).isEqualTo(BACKWARD_TRANSITIVE);
        assertThat(CompatibilityLevel.DEFAULT).isEqualTo(BACKWARD_TRANSITIVE);
        assertThatThrownBy(() -> CompatibilityLevel.parse("SIDEWAYS")).hasMessageContaining("SIDEWAYS");
    }
}
