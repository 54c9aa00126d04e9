package dev.detour.ledger;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Avro binary behind a magic byte, for tests that run without a schema registry (the registry-backed serde
 * replaces it when it lands on main). Bytes without the magic byte, or truncated, fail like the real one.
 */
public final class PlainAvroSerdes implements RecordSerdes {

    private static final byte MAGIC = 0;

    @Override
    public <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type) {
        SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(type);
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(type);
        Serializer<T> ser = (topic, value) -> {
            if (value == null) return null;
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(MAGIC);
                BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
                writer.write(value, enc);
                enc.flush();
                return out.toByteArray();
            } catch (IOException e) {
                throw new SerializationException(e);
            }
        };
        Deserializer<T> de = (topic, bytes) -> {
            if (bytes == null) return null;
            if (bytes.length < 2 || bytes[0] != MAGIC) {
                throw new SerializationException("unknown magic byte");
            }
            try {
                BinaryDecoder dec = DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null);
                return reader.read(null, dec);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("bad avro: " + e, e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }
}
