package dev.detour.schemas.serde;

import dev.detour.schema.CompletionRequest;
import dev.detour.schemas.serde.AvroDecodeException.Cause;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Bytes that are not a record of ours fail with a typed cause, and never echo the payload. */
class BadBytesTest {

    private static final String TOPIC = "detour.requests";

    @AutoClose
    private final SchemaRegistryClients.MockRegistry mock = SchemaRegistryClients.freshMock("bad-bytes");
    private final AvroSerde<CompletionRequest> serde = DetourSerdes.of(CompletionRequest.class, mock.url());

    @Test
    void emptyBytesAreTruncated() {
        AvroDecodeException e = decodeFailure(new byte[0]);
        assertThat(e.cause()).isEqualTo(Cause.TRUNCATED);
        assertThat(e.topic()).isEqualTo(TOPIC);
        assertThat(e.getMessage()).contains("TRUNCATED").contains(TOPIC);
    }

    @Test
    void plainJsonHasNoMagicByte() {
        AvroDecodeException e = decodeFailure("{\"jobId\":\"j1\",\"apiKey\":\"sk-secret\"}".getBytes());
        assertThat(e.cause()).isEqualTo(Cause.NO_MAGIC_BYTE);
        assertThat(e.schemaId()).isNull();
        assertThat(e.getMessage()).contains("NO_MAGIC_BYTE").doesNotContain("sk-secret");
    }

    @Test
    void aHeaderShorterThanFiveBytesIsTruncated() {
        assertThat(decodeFailure(new byte[] {0, 0, 1}).cause()).isEqualTo(Cause.TRUNCATED);
    }

    @Test
    void anIdTheRegistryNeverGaveIsUnknown() {
        byte[] valid = serde.serializer().serialize(TOPIC, Samples.request());
        byte[] foreign = valid.clone();
        foreign[1] = 0x7f;

        AvroDecodeException e = decodeFailure(foreign);

        assertThat(e.cause()).isEqualTo(Cause.UNKNOWN_SCHEMA_ID);
        assertThat(e.schemaId()).isEqualTo(WireFormat.schemaId(foreign));
        assertThat(e.getMessage()).contains("schema id " + WireFormat.schemaId(foreign));
    }

    @Test
    void aPayloadCutShortIsTruncatedAtEveryLength() {
        byte[] valid = serde.serializer().serialize(TOPIC, Samples.request());
        for (int length = WireFormat.HEADER_SIZE; length < valid.length; length++) {
            byte[] cut = Arrays.copyOf(valid, length);
            AvroDecodeException e = decodeFailure(cut);
            assertThat(e.cause()).as("cut at %d of %d", length, valid.length).isIn(Cause.TRUNCATED, Cause.CORRUPT);
            assertThat(e.getMessage()).doesNotContain("Q3 report");
        }
        assertThat(decodeFailure(Arrays.copyOf(valid, valid.length - 1)).cause()).isEqualTo(Cause.TRUNCATED);
        assertThat(decodeFailure(Arrays.copyOf(valid, WireFormat.HEADER_SIZE)).cause()).isEqualTo(Cause.TRUNCATED);
    }

    @Test
    void bytesLeftAfterTheRecordAreCorrupt() {
        byte[] valid = serde.serializer().serialize(TOPIC, Samples.request());
        byte[] longer = Arrays.copyOf(valid, valid.length + 3);

        assertThat(decodeFailure(longer).cause()).isEqualTo(Cause.CORRUPT);
    }

    @Test
    void garbageAfterAValidHeaderIsCorruptOrTruncatedNeverACrash() {
        byte[] valid = serde.serializer().serialize(TOPIC, Samples.request());
        byte[] garbage = valid.clone();
        for (int i = WireFormat.HEADER_SIZE; i < garbage.length; i++) {
            garbage[i] = (byte) 0xff;
        }
        assertThat(decodeFailure(garbage).cause()).isIn(Cause.CORRUPT, Cause.TRUNCATED);
    }

    @Test
    void anUnreachableRegistryIsUnavailableNotBadBytes() throws Exception {
        byte[] valid = serde.serializer().serialize(TOPIC, Samples.request());
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AvroDeserializer<CompletionRequest> offline = new AvroDeserializer<>(CompletionRequest.class,
                SchemaRegistryClients.forUrl("http://127.0.0.1:" + closedPort, null, Duration.ofSeconds(5)));

        AvroDecodeException e = catchThrowableOfType(AvroDecodeException.class,
                () -> offline.deserialize(TOPIC, valid));

        assertThat(e.cause()).isEqualTo(Cause.REGISTRY_UNAVAILABLE);
        assertThat(e.isTransient()).isTrue();
    }

    private AvroDecodeException decodeFailure(byte[] bytes) {
        AvroDecodeException e = catchThrowableOfType(AvroDecodeException.class,
                () -> serde.deserializer().deserialize(TOPIC, bytes));
        assertThat(e).as("decoding %d bytes must fail", bytes.length).isNotNull();
        return e;
    }
}
