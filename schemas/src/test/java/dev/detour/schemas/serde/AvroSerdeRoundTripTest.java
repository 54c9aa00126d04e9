package dev.detour.schemas.serde;

import dev.detour.schema.CompletionRequest;
import dev.detour.schema.UsageRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AvroSerdeRoundTripTest {

    @AutoClose
    private final SchemaRegistryClients.MockRegistry mock = SchemaRegistryClients.freshMock("roundtrip");
    private final String url = mock.url();
    private final SchemaRegistryClient registry = mock.client();

    static Stream<Named<SpecificRecord>> everyRecordOfThePipeline() {
        return Stream.<SpecificRecord>of(Samples.request(), Samples.routed(), Samples.outcome(), Samples.result(),
                        Samples.deadLetter(), Samples.usageRecord(), Samples.catalogConfig(), Samples.tenantConfig(),
                        Samples.budget())
                .map(record -> Named.of(record.getClass().getSimpleName(), record));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordOfThePipeline")
    <T extends SpecificRecord> void everyRecordSurvivesTheWireFormat(T record) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        AvroSerde<T> serde = new AvroSerde<>(type, registry);

        byte[] bytes = serde.serializer().serialize("detour.things", record);

        assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        RegisteredSchema registered = registry.latest("detour.things-value");
        assertThat(WireFormat.schemaId(bytes)).isEqualTo(registered.id());
        assertThat(registered.schema()).isEqualTo(record.getSchema());
        T back = serde.deserializer().deserialize("detour.things", bytes);
        assertThat(back).isEqualTo(record);
        assertThat(back).isInstanceOf(type);
    }

    @Test
    void registersOncePerSubjectAndSharesIdsAcrossSubjects() {
        AvroSerde<CompletionRequest> serde = DetourSerdes.of(CompletionRequest.class, registry);
        byte[] first = serde.serializer().serialize("detour.requests", Samples.request());
        byte[] second = serde.serializer().serialize("detour.requests", Samples.request());
        byte[] elsewhere = serde.serializer().serialize("acme.requests", Samples.request());

        assertThat(registry.versions("detour.requests-value")).containsExactly(1);
        assertThat(WireFormat.schemaId(second)).isEqualTo(WireFormat.schemaId(first));
        assertThat(WireFormat.schemaId(elsewhere)).isEqualTo(WireFormat.schemaId(first));
        assertThat(registry.subjects()).containsExactly("acme.requests-value", "detour.requests-value");
        assertThat(registry.register("detour.requests-value", CompletionRequest.getClassSchema()))
                .isEqualTo(WireFormat.schemaId(first));
    }

    @Test
    void keySerdeUsesTheKeySubject() {
        AvroSerde<UsageRecord> serde = DetourSerdes.key(UsageRecord.class, registry);
        serde.serializer().serialize("detour.usage", Samples.usageRecord());
        assertThat(registry.subjects()).containsExactly("detour.usage-key");
    }

    @Test
    void kafkaCanBuildItFromProperties() {
        Map<String, Object> props = Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, CompletionRequest.class.getName());
        AvroSerializer<CompletionRequest> serializer = new AvroSerializer<>();
        serializer.configure(props, false);
        AvroDeserializer<CompletionRequest> deserializer = new AvroDeserializer<>();
        deserializer.configure(props, false);

        byte[] bytes = serializer.serialize("detour.requests", Samples.request());

        assertThat(deserializer.deserialize("detour.requests", bytes)).isEqualTo(Samples.request());
        assertThat(registry.subjects()).containsExactly("detour.requests-value");
    }

    @Test
    void withoutAConfiguredTypeTheClassIsFoundByTheWriterSchemaName() {
        AvroSerde<SpecificRecord> serde = new AvroSerde<>();
        serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url), false);

        byte[] bytes = serde.serializer().serialize("detour.usage", Samples.usageRecord());

        assertThat(serde.deserializer().deserialize("detour.usage", bytes)).isEqualTo(Samples.usageRecord());
    }

    @Test
    void nullsAreTombstones() {
        AvroSerde<CompletionRequest> serde = DetourSerdes.of(CompletionRequest.class, url);
        assertThat(serde.serializer().serialize("detour.config", null)).isNull();
        assertThat(serde.deserializer().deserialize("detour.config", null)).isNull();
        assertThat(registry.subjects()).isEmpty();
    }

    @Test
    void withoutAutoRegisterTheSchemaMustAlreadyBeThere() {
        AvroSerializer<UsageRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url,
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false"), false);

        assertThatThrownBy(() -> serializer.serialize("detour.usage", Samples.usageRecord()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("detour.usage-value");

        int id = registry.register("detour.usage-value", UsageRecord.getClassSchema());
        assertThat(WireFormat.schemaId(serializer.serialize("detour.usage", Samples.usageRecord()))).isEqualTo(id);
        assertThat(registry.versions("detour.usage-value")).containsExactly(1);
    }

    @Test
    void aRecordThatBreaksItsSchemaIsASerializationError() {
        UsageRecord broken = Samples.usageRecord();
        broken.setTenant(null);
        AvroSerializer<UsageRecord> serializer = new AvroSerializer<>(UsageRecord.class, registry);

        assertThatThrownBy(() -> serializer.serialize("detour.usage", broken))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("UsageRecord");
    }
}
