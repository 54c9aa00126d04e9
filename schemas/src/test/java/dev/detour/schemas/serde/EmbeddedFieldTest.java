package dev.detour.schemas.serde;

import dev.detour.schema.CompletionRequest;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.UsageRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link AvroSerializer#serializeEmbedding} and the encode buffer a thread reuses across records. */
class EmbeddedFieldTest {
    private static final String REQUESTS = "detour.requests";
    private static final String PROVIDER = "detour.provider.anthropic";

    private final String scope = "embed-" + UUID.randomUUID();
    private final SchemaRegistryClient registry = SchemaRegistryClients.forUrl("mock://" + scope);
    private final AvroSerde<CompletionRequest> requests = DetourSerdes.of(CompletionRequest.class, registry);
    private final AvroSerde<RoutedRequest> routed = DetourSerdes.of(RoutedRequest.class, registry);

    @AfterEach
    void dropRegistry() {
        SchemaRegistryClients.dropMock(scope);
    }

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
    void embeddingTheRequestsOwnBytesWritesWhatEncodingItWould() {
        RoutedRequest record = Samples.routed();
        byte[] requestBytes = requests.serializer().serialize(REQUESTS, record.getRequest());

        byte[] embedded = routed.serializer().serializeEmbedding(PROVIDER, record, "request", requestBytes);

        assertThat(embedded).isEqualTo(routed.serializer().serialize(PROVIDER, record));
        assertThat(routed.deserializer().deserialize(PROVIDER, embedded)).isEqualTo(record);
    }

    @Test
    void theEmbeddedBytesAreCopiedNotTheFieldEncodedAgain() {
        RoutedRequest record = Samples.routed();
        CompletionRequest other = CompletionRequest.newBuilder(record.getRequest()).setJobId("job-other").build();
        byte[] otherBytes = requests.serializer().serialize(REQUESTS, other);

        // Against the contract (the bytes must be the field's value), which shows where the field came from.
        byte[] embedded = routed.serializer().serializeEmbedding(PROVIDER, record, "request", otherBytes);

        RoutedRequest read = routed.deserializer().deserialize(PROVIDER, embedded);
        assertThat(read.getRequest()).isEqualTo(other);
        assertThat(read.getAttemptId()).isEqualTo(record.getAttemptId());
        assertThat(read.getTried()).isEqualTo(record.getTried());
    }

    @Test
    void bytesOfAnotherWriterSchemaAreNotEmbedded() throws IOException {
        Schema newer = SchemaEvolutionTest.withOptionalField(CompletionRequest.getClassSchema(), "region");
        GenericRecord newRequest = asGeneric(Samples.request(), newer);
        newRequest.put("region", "eu-west-1");
        byte[] newerBytes = SchemaEvolutionTest.wire(registry.register(REQUESTS + "-value", newer), newRequest, newer);
        RoutedRequest record = Samples.routed();
        record.setRequest(requests.deserializer().deserialize(REQUESTS, newerBytes));

        byte[] written = routed.serializer().serializeEmbedding(PROVIDER, record, "request", newerBytes);

        assertThat(written).isEqualTo(routed.serializer().serialize(PROVIDER, record));
        assertThat(routed.deserializer().deserialize(PROVIDER, written)).isEqualTo(record);
    }

    @Test
    void missingOrUnreadableBytesAreEncodedAsUsual() {
        RoutedRequest record = Samples.routed();
        byte[] plain = routed.serializer().serialize(PROVIDER, record);
        byte[] unknownId = {0, 0x7f, 0, 0, 1, 2, 3};

        assertThat(routed.serializer().serializeEmbedding(PROVIDER, record, "request", null)).isEqualTo(plain);
        assertThat(routed.serializer().serializeEmbedding(PROVIDER, record, "request", new byte[] {1, 2}))
                .isEqualTo(plain);
        assertThat(routed.serializer().serializeEmbedding(PROVIDER, record, "request", unknownId)).isEqualTo(plain);
        assertThatThrownBy(() -> routed.serializer().serializeEmbedding(PROVIDER, record, "attemptId", null))
                .isInstanceOf(IllegalArgumentException.class);
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
