package dev.detour.schemas.serde;

import dev.detour.schema.CompletionRequest;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.UsageRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link AvroSerializer#embeds}, the generated coders, and the encode buffer a thread reuses across records. */
class EmbeddedFieldTest {
    private static final String REQUESTS = "detour.requests";
    private static final String PROVIDER = "detour.provider.anthropic";

    @AutoClose
    private final SchemaRegistryClients.MockRegistry mock = SchemaRegistryClients.freshMock("embed");
    private final SchemaRegistryClient registry = mock.client();
    private final AvroSerde<CompletionRequest> requests = DetourSerdes.of(CompletionRequest.class, registry);
    private final AvroSerde<RoutedRequest> routed = DetourSerdes.of(RoutedRequest.class, registry);

    @Test
    void generatedCodersWriteTheBytesAvrosSchemaWalkWrites() throws IOException {
        RoutedRequest record = Samples.routed();
        byte[] serialized = routed.serializer().serialize(PROVIDER, record);

        ByteArrayOutputStream walked = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(walked, null);
        new SpecificDatumWriter<RoutedRequest>(RoutedRequest.getClassSchema()).write(record, encoder);
        encoder.flush();

        byte[] body = java.util.Arrays.copyOfRange(serialized, 5, serialized.length);
        assertThat(body).isEqualTo(walked.toByteArray());
    }

    @Test
    void bytesOfTheFieldsOwnSchemaAreEmbeddable() {
        byte[] requestBytes = requests.serializer().serialize(REQUESTS, Samples.request());

        assertThat(routed.serializer().embeds(requestBytes, CompletionRequest.getClassSchema())).isTrue();
    }

    @Test
    void bytesOfAnotherRecordAreNotEmbeddableAsThisOne() {
        byte[] usageBytes = new AvroSerializer<>(UsageRecord.class, registry).serialize("detour.usage",
                Samples.usageRecord());

        assertThat(routed.serializer().embeds(usageBytes, CompletionRequest.getClassSchema())).isFalse();
    }

    @Test
    void bytesOfAnotherWriterSchemaAreNotEmbeddable() throws IOException {
        Schema newer = SchemaEvolutionTest.withOptionalField(CompletionRequest.getClassSchema(), "region");
        GenericRecord newRequest = asGeneric(Samples.request(), newer);
        newRequest.put("region", "eu-west-1");
        byte[] newerBytes = SchemaEvolutionTest.wire(registry.register(REQUESTS + "-value", newer), newRequest, newer);
        byte[] ownBytes = requests.serializer().serialize(REQUESTS, Samples.request());
        assertThat(routed.serializer().embeds(ownBytes, CompletionRequest.getClassSchema())).isTrue(); // the last answer is kept

        // They decode (the reader drops the new field), but copying them would carry a field the routed
        // record's schema does not have.
        assertThat(requests.deserializer().deserialize(REQUESTS, newerBytes).getJobId())
                .isEqualTo(Samples.request().getJobId());
        assertThat(routed.serializer().embeds(newerBytes, CompletionRequest.getClassSchema())).isFalse();
    }

    @Test
    void missingOrUnreadableBytesAreNotEmbeddable() {
        Schema schema = CompletionRequest.getClassSchema();
        byte[] unknownId = {0, 0x7f, 0, 0, 1, 2, 3};

        assertThat(routed.serializer().embeds(null, schema)).isFalse();
        assertThat(routed.serializer().embeds(new byte[] {1, 2}, schema)).isFalse();
        assertThat(routed.serializer().embeds(new byte[] {1, 0, 0, 0, 1, 2}, schema)).isFalse();
        assertThat(routed.serializer().embeds(unknownId, schema)).isFalse();
    }

    @Test
    void aFailedWriteLeavesNothingBehindForTheNextRecordOfTheThread() {
        AvroSerializer<UsageRecord> serializer = new AvroSerializer<>(UsageRecord.class, registry);
        byte[] clean = serializer.serialize("detour.usage", Samples.usageRecord());
        UsageRecord broken = Samples.usageRecord();
        broken.setTenant(null); // fails after the fields before it were written

        assertThatThrownBy(() -> serializer.serialize("detour.usage", broken)).isInstanceOf(SerializationException.class);
        assertThat(serializer.serialize("detour.usage", Samples.usageRecord())).isEqualTo(clean);
    }

    @Test
    void aRecordLargerThanTheBufferKeptAndTheOnesAfterIt() {
        AvroSerializer<CompletionRequest> serializer = requests.serializer();
        CompletionRequest small = Samples.request();
        byte[] smallBytes = serializer.serialize(REQUESTS, small);
        CompletionRequest large = CompletionRequest.newBuilder(small).setJobId("x".repeat(3 * 1024 * 1024)).build();

        byte[] largeBytes = serializer.serialize(REQUESTS, large);

        assertThat(requests.deserializer().deserialize(REQUESTS, largeBytes)).isEqualTo(large);
        assertThat(serializer.serialize(REQUESTS, small)).isEqualTo(smallBytes);
    }

    @Test
    void virtualThreadsSharingThePoolNeverMixRecords() throws Exception {
        AvroSerializer<CompletionRequest> serializer = requests.serializer();
        int n = 2_000;
        java.util.List<CompletionRequest> records = java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> CompletionRequest.newBuilder(Samples.request()).setJobId("job-" + "x".repeat(i % 700) + i)
                        .build()).toList();
        java.util.Map<Integer, byte[]> written = new java.util.concurrent.ConcurrentHashMap<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int k = i;
                threads.submit(() -> written.put(k, serializer.serialize(REQUESTS, records.get(k))));
            }
        }
        for (int i = 0; i < n; i++) {
            assertThat(requests.deserializer().deserialize(REQUESTS, written.get(i))).isEqualTo(records.get(i));
        }
    }

    private static GenericRecord asGeneric(CompletionRequest request, Schema target) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<CompletionRequest>(CompletionRequest.getClassSchema()).write(request, encoder);
        encoder.flush();
        return new GenericDatumReader<GenericRecord>(CompletionRequest.getClassSchema(), target, GenericData.get())
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }
}
