package dev.detour.ledger.topology;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where a usage record was read from detour.usage, carried in headers through the ledger's repartition topics
 * so a record refused downstream is still dead-lettered with its real topic, partition, offset and key.
 */
record SourceCoordinates(String topic, Integer partition, Long offset, byte[] key) {

    static final String TOPIC = "detour.ledger.src-topic";
    static final String PARTITION = "detour.ledger.src-partition";
    static final String OFFSET = "detour.ledger.src-offset";
    static final String KEY = "detour.ledger.src-key";

    static SourceCoordinates of(Optional<RecordMetadata> meta, byte[] key) {
        return meta.map(m -> new SourceCoordinates(m.topic(), m.partition(), m.offset(), key))
                .orElse(new SourceCoordinates(null, null, null, key));
    }

    void writeTo(Headers headers) {
        headers.remove(TOPIC).remove(PARTITION).remove(OFFSET).remove(KEY);
        if (topic != null) headers.add(TOPIC, topic.getBytes(StandardCharsets.UTF_8));
        if (partition != null) headers.add(PARTITION, partition.toString().getBytes(StandardCharsets.UTF_8));
        if (offset != null) headers.add(OFFSET, offset.toString().getBytes(StandardCharsets.UTF_8));
        if (key != null) headers.add(KEY, key);
    }

    static SourceCoordinates readFrom(Headers headers) {
        String t = text(headers.lastHeader(TOPIC));
        String p = text(headers.lastHeader(PARTITION));
        String o = text(headers.lastHeader(OFFSET));
        Header k = headers.lastHeader(KEY);
        return new SourceCoordinates(t, p == null ? null : Integer.valueOf(p), o == null ? null : Long.valueOf(o),
                k == null ? null : k.value());
    }

    /** Stable id of a delivery: each record of detour.usage is listed at most once as a problem. */
    String problemId() {
        return topic == null ? "unknown-" + java.util.UUID.randomUUID() : topic + "-" + partition + "@" + offset;
    }

    private static String text(Header h) {
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
