package dev.detour.ledger;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Where the ledger gets its Avro serdes for the pipeline's topics (values in the Confluent wire format through
 * the schema registry in production; tests plug an in-memory registry).
 */
public interface RecordSerdes {

    <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type);
}
