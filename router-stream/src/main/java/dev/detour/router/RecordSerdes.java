package dev.detour.router;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Gives the router a serde per Avro record type. Production uses the project's Confluent-wire-format
 * serde over a schema registry; tests may use an in-memory registry. Injected so the topology does
 * not care where schemas live.
 */
public interface RecordSerdes {
    <T extends SpecificRecord> Serde<T> serde(Class<T> type);
}
