package dev.detour.worker.internal;

import dev.detour.schema.RoutedRequest;
import org.apache.avro.specific.SpecificRecord;

/** Bytes on the wire to records and back; decoding is done by the worker so bad bytes never stop the loop. */
public interface WireCodec {
    /** @throws RuntimeException when the bytes are not a readable RoutedRequest */
    RoutedRequest decodeRouted(String topic, byte[] value);

    byte[] encode(String topic, SpecificRecord value);
}
