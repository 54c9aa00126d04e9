package dev.detour.schemas.serde;

import dev.detour.schema.BudgetState;
import dev.detour.schema.UsageRecord;
import dev.detour.schemas.serde.internal.InMemorySchemaRegistry;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemorySchemaRegistryTest {

    @Test
    void clientsOfTheSameScopeShareOneRegistryUntilItIsDropped() {
        String scope = "shared-" + UUID.randomUUID();
        SchemaRegistryClient first = SchemaRegistryClients.forUrl("mock://" + scope);
        SchemaRegistryClient second = SchemaRegistryClients.forUrl("mock://" + scope);
        SchemaRegistryClient other = SchemaRegistryClients.forUrl("mock://other-" + scope);

        int id = first.register("t-value", UsageRecord.getClassSchema());

        assertThat(second.schemaById(id)).isEqualTo(UsageRecord.getClassSchema());
        assertThat(other.subjects()).isEmpty();
        SchemaRegistryClients.dropMock(scope);
        assertThat(SchemaRegistryClients.forUrl("mock://" + scope).subjects()).isEmpty();
        SchemaRegistryClients.dropMock("other-" + scope);
    }

    @Test
    void aFreshMockHasAScopeOfItsOwnAndIsForgottenWhenClosed() {
        SchemaRegistryClients.MockRegistry mock = SchemaRegistryClients.freshMock("fresh");
        try (SchemaRegistryClients.MockRegistry other = SchemaRegistryClients.freshMock("fresh")) {
            mock.client().register("t-value", UsageRecord.getClassSchema());

            assertThat(SchemaRegistryClients.forUrl(mock.url()).subjects()).containsExactly("t-value");
            assertThat(other.client().subjects()).isEmpty();
        }
        mock.close();
        try (SchemaRegistryClients.MockRegistry again = new SchemaRegistryClients.MockRegistry(mock.url(),
                SchemaRegistryClients.forUrl(mock.url()))) {
            assertThat(again.client().subjects()).isEmpty();
        }
    }

    @Test
    void idsAreGlobalAndRegistrationIsIdempotent() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        int usage = registry.register("a-value", UsageRecord.getClassSchema());
        int budget = registry.register("b-value", BudgetState.getClassSchema());

        assertThat(registry.register("a-value", UsageRecord.getClassSchema())).isEqualTo(usage);
        assertThat(registry.register("c-value", UsageRecord.getClassSchema())).isEqualTo(usage);
        assertThat(budget).isNotEqualTo(usage);
        assertThat(registry.versions("a-value")).containsExactly(1);
        assertThat(registry.latest("c-value")).isEqualTo(new RegisteredSchema("c-value", 1, usage, UsageRecord.getClassSchema()));
        assertThat(registry.lookupId("b-value", BudgetState.getClassSchema())).isEqualTo(budget);
        assertThat(registry.subjects()).containsExactly("a-value", "b-value", "c-value");
    }

    @Test
    void missingThingsCarryConfluentErrorCodes() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        registry.register("a-value", UsageRecord.getClassSchema());

        assertThatThrownBy(() -> registry.latest("nope")).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND));
        assertThatThrownBy(() -> registry.schemaById(99)).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> registry.lookupId("a-value", BudgetState.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND));
    }

    @Test
    void theConfiguredLevelDecides() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        registry.register("a-value", UsageRecord.getClassSchema());

        assertThat(registry.isCompatible("a-value", BudgetState.getClassSchema())).isFalse();
        assertThat(registry.isCompatible("fresh-value", BudgetState.getClassSchema())).isTrue();
        registry.setCompatibility("a-value", CompatibilityLevel.NONE);
        assertThat(registry.register("a-value", BudgetState.getClassSchema())).isPositive();
        assertThat(registry.versions("a-value")).containsExactly(1, 2);
    }
}
