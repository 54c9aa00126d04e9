package dev.detour.bench.internal;

import dev.detour.router.RecordSerdes;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.avro.specific.SpecificRecord;

/** Producers of Avro records in the wire format the pipeline reads. */
public final class Records {
    private Records() {}

    /**
     * A producer of any Avro record type (the serde is picked per record class) for set-up and
     * preloading: acks=all, one request in flight, not idempotent. On the loaded 2-core machine an
     * idempotent producer was seen retrying an old sequence number until its delivery timeout, which
     * left a suite waiting for records that never came; one request in flight keeps order without it.
     */
    public static KafkaProducer<String, SpecificRecord> producer(Properties client, RecordSerdes serdes, int lingerMs) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        return new KafkaProducer<>(p, new StringSerializer(), anySerializer(serdes));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Serializer<SpecificRecord> anySerializer(RecordSerdes serdes) {
        Map<Class<?>, Serializer> byType = new HashMap<>();
        return (topic, value) -> {
            Serializer s;
            synchronized (byType) {
                s = byType.computeIfAbsent(value.getClass(), c -> serdes.serde((Class) c).serializer());
            }
            return s.serialize(topic, value);
        };
    }
}
