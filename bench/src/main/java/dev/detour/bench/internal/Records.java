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

    /** A producer of any Avro record type (the serde is picked per record class), acks=all. */
    public static KafkaProducer<String, SpecificRecord> producer(Properties client, RecordSerdes serdes, int lingerMs) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
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
