package dev.detour.schemas.serde;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detour.schema.UsageRecord;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Old and new writers meet old and new readers. The "old" schema is the generated UsageRecord
 * without its optional {@code servedFromCache} field; the "new" one adds an optional field.
 */
class SchemaEvolutionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "detour.usage";
    private static final String SUBJECT = "detour.usage-value";

    @AutoClose
    private final SchemaRegistryClients.MockRegistry mock = SchemaRegistryClients.freshMock("evolution");
    private final SchemaRegistryClient registry = mock.client();

    @Test
    void oldWriterWithoutAnOptionalFieldIsReadByTheCurrentClassWithTheDefault() throws IOException {
        Schema old = withoutField(UsageRecord.getClassSchema(), "servedFromCache");
        GenericRecord oldRecord = asGeneric(Samples.usageRecord(), old);
        int oldId = registry.register(SUBJECT, old);
        byte[] bytes = wire(oldId, oldRecord, old);

        AvroSerde<UsageRecord> current = DetourSerdes.of(UsageRecord.class, registry);
        UsageRecord read = current.deserializer().deserialize(TOPIC, bytes);

        assertThat(read.getServedFromCache()).isFalse();
        assertThat(read.getAttemptId()).isEqualTo("job-7f3a9c#2");
        assertThat(read.getUsage()).isEqualTo(Samples.usage());
        assertThat(read.getCostMicros()).isEqualTo(1_642);
        // The current schema is a BACKWARD_TRANSITIVE evolution of the old one: the registry takes it.
        byte[] currentBytes = current.serializer().serialize(TOPIC, Samples.usageRecord());
        assertThat(WireFormat.schemaId(currentBytes)).isNotEqualTo(oldId);
        assertThat(registry.versions(SUBJECT)).containsExactly(1, 2);
    }

    @Test
    void currentWriterIsReadByAnOldReaderThatLacksAField() throws IOException {
        AvroSerde<UsageRecord> current = DetourSerdes.of(UsageRecord.class, registry);
        UsageRecord fromCache = UsageRecord.newBuilder(Samples.usageRecord()).setServedFromCache(true).build();
        byte[] bytes = current.serializer().serialize(TOPIC, fromCache);

        Schema oldReader = withoutField(UsageRecord.getClassSchema(), "servedFromCache");
        Schema writer = registry.schemaById(WireFormat.schemaId(bytes));
        GenericRecord read = new GenericDatumReader<GenericRecord>(writer, oldReader).read(null,
                DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));

        assertThat(read.getSchema().getField("servedFromCache")).isNull();
        assertThat(read.get("attemptId").toString()).isEqualTo("job-7f3a9c#2");
        assertThat(read.get("costMicros")).isEqualTo(1_642L);
        assertThat(((GenericRecord) read.get("usage")).get("inputTokens")).isEqualTo(1_200L);
    }

    @Test
    void newerWriterWithAnExtraOptionalFieldIsReadByTheCurrentClass() throws IOException {
        AvroSerde<UsageRecord> current = DetourSerdes.of(UsageRecord.class, registry);
        current.serializer().serialize(TOPIC, Samples.usageRecord());
        Schema newer = withOptionalField(UsageRecord.getClassSchema(), "region");
        GenericRecord newRecord = asGeneric(Samples.usageRecord(), newer);
        newRecord.put("region", "eu-west-1");
        int newId = registry.register(SUBJECT, newer);

        UsageRecord read = current.deserializer().deserialize(TOPIC, wire(newId, newRecord, newer));

        assertThat(read).isEqualTo(Samples.usageRecord());
        assertThat(registry.versions(SUBJECT)).containsExactly(1, 2);
    }

    @Test
    void aNewRequiredFieldWithoutDefaultIsRejectedByTheRegistry() throws IOException {
        DetourSerdes.of(UsageRecord.class, registry).serializer().serialize(TOPIC, Samples.usageRecord());
        ObjectNode json = (ObjectNode) JSON.readTree(UsageRecord.getClassSchema().toString());
        ((ArrayNode) json.get("fields")).addObject().put("name", "region").put("type", "string");
        Schema breaking = new Schema.Parser().parse(json.toString());

        assertThat(registry.isCompatible(SUBJECT, breaking)).isFalse();
        assertThatThrownBy(() -> registry.register(SUBJECT, breaking))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA));
        assertThat(registry.versions(SUBJECT)).containsExactly(1);
    }

    @Test
    void aWriterOfAnotherRecordTypeCannotBeReadAsThisOne() {
        byte[] bytes = DetourSerdes.of(UsageRecord.class, registry).serializer().serialize(TOPIC, Samples.usageRecord());
        AvroSerde<dev.detour.schema.BudgetState> wrong = DetourSerdes.of(dev.detour.schema.BudgetState.class, registry);

        assertThatThrownBy(() -> wrong.deserializer().deserialize(TOPIC, bytes))
                .isInstanceOfSatisfying(AvroDecodeException.class,
                        e -> assertThat(e.cause()).isEqualTo(AvroDecodeException.Cause.INCOMPATIBLE_SCHEMA))
                .isInstanceOf(SerializationException.class);
    }

    static Schema withoutField(Schema schema, String field) throws IOException {
        ObjectNode json = (ObjectNode) JSON.readTree(schema.toString());
        ArrayNode fields = (ArrayNode) json.get("fields");
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).get("name").asText().equals(field)) {
                fields.remove(i);
                return new Schema.Parser().parse(json.toString());
            }
        }
        throw new IllegalArgumentException("no field " + field);
    }

    static Schema withOptionalField(Schema schema, String field) throws IOException {
        ObjectNode json = (ObjectNode) JSON.readTree(schema.toString());
        ObjectNode added = ((ArrayNode) json.get("fields")).addObject();
        added.put("name", field);
        added.putArray("type").add("null").add("string");
        added.putNull("default");
        return new Schema.Parser().parse(json.toString());
    }

    /** The specific record copied field by field into a generic record of another (evolved) schema. */
    static GenericRecord asGeneric(UsageRecord record, Schema target) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<UsageRecord>(UsageRecord.getClassSchema()).write(record, encoder);
        encoder.flush();
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(UsageRecord.getClassSchema(), target,
                GenericData.get());
        return reader.read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    static byte[] wire(int id, GenericRecord record, Schema schema) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(5).put((byte) 0).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema, SpecificData.get()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
