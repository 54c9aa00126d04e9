package dev.detour.router.testing;

import dev.detour.router.RecordSerdes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Avro binary with a one-byte magic prefix and no registry: enough for topology tests, which only need
 * both sides to agree and garbage to be rejected.
 */
public final class PlainAvroSerdes implements RecordSerdes {
    private static final byte MAGIC = 0x7d;

    @Override
    public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
        var schema = SpecificData.get().getSchema(type);
        return Serdes.serdeFrom((topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(MAGIC);
                BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
                new SpecificDatumWriter<T>(schema).write(value, enc);
                enc.flush();
                return out.toByteArray();
            } catch (IOException e) {
                throw new SerializationException(e);
            }
        }, (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length == 0 || bytes[0] != MAGIC) {
                throw new SerializationException("unknown magic byte");
            }
            try {
                var dec = DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null);
                return new SpecificDatumReader<T>(schema).read(null, dec);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot decode " + type.getSimpleName(), e);
            }
        });
    }
}
