package dev.detour.worker;

import dev.detour.schema.RoutedRequest;
import dev.detour.worker.internal.WireCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/** Test stand-in for the registry serde: plain Avro binary behind a magic byte. */
public final class TestCodec implements WireCodec {
    @Override
    public RoutedRequest decodeRouted(String topic, byte[] value) {
        return decode(RoutedRequest.class, value);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public byte[] encode(String topic, SpecificRecord value) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write(0x7f);
            var enc = EncoderFactory.get().binaryEncoder(bytes, null);
            new SpecificDatumWriter(value.getSchema()).write(value, enc);
            enc.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public <T extends SpecificRecord> T decode(Class<T> type, byte[] value) {
        if (value == null || value.length == 0 || value[0] != 0x7f) {
            throw new IllegalArgumentException("not a test record");
        }
        try {
            var dec = DecoderFactory.get().binaryDecoder(value, 1, value.length - 1, null);
            return new SpecificDatumReader<>(type).read(null, dec);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("unreadable " + type.getSimpleName(), e);
        }
    }
}
