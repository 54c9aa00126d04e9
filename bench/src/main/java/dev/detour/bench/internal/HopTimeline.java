package dev.detour.bench.internal;

import dev.detour.bench.BenchEnvironment;
import dev.detour.core.Topics;
import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.RoutedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Where a job's time goes between its due time and its result at the client, hop by hop, from the
 * broker append times of the requests, provider and results topics (the bench creates them with
 * {@code LogAppendTime}) and the call's own start and end in its attempt outcome. Every clock is
 * this machine's wall clock; Kafka's are in milliseconds, so each segment is exact to about 1 ms.
 *
 * <p>{@link #mark} before a run notes where the topics end; {@link #collect} afterwards reads only
 * what was appended since.
 */
public final class HopTimeline {

    /** The segments, in the order a job passes them; their sum is the job's overhead. */
    public enum Hop {
        CLIENT_PUBLISH("client publish", "due time -> request appended"),
        ROUTER("router", "request appended -> routed request appended"),
        WORKER_PICKUP("worker pickup", "routed request appended -> call started"),
        CALL("HTTP call", "call start -> end, minus the provider latency"),
        RESULT_PUBLISH("result publish", "call ended -> result appended"),
        CLIENT_DELIVERY("client delivery", "result appended -> client listener");

        public final String label;
        public final String span;

        Hop(String label, String span) {
            this.label = label;
            this.span = span;
        }

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Converts {@link System#nanoTime()} readings to wall-clock microseconds. */
    public record WallClock(long epochMicros, long nanos) {
        public static WallClock now() {
            long n = System.nanoTime();
            Instant i = Instant.now();
            return new WallClock(i.getEpochSecond() * 1_000_000 + i.getNano() / 1_000, n);
        }

        public long epochMicrosAt(long nanoTime) {
            return epochMicros + (nanoTime - nanos) / 1_000;
        }
    }

    private final BenchEnvironment env;
    private final Topics topics;
    private final String providerTopic;
    private final Map<String, Map<TopicPartition, Long>> start;

    private HopTimeline(BenchEnvironment env, Topics topics, String providerTopic,
                        Map<String, Map<TopicPartition, Long>> start) {
        this.env = env;
        this.topics = topics;
        this.providerTopic = providerTopic;
        this.start = start;
    }

    /** Notes the end of the requests, provider, feedback and results topics. */
    public static HopTimeline mark(BenchEnvironment env, Topics topics, String provider) {
        String providerTopic = topics.provider(provider);
        Map<String, Map<TopicPartition, Long>> start = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(env)) {
            for (String t : List.of(topics.requests(), providerTopic, topics.feedback(), topics.results())) {
                start.put(t, c.endOffsets(partitions(c, t)));
            }
        }
        return new HopTimeline(env, topics, providerTopic, start);
    }

    /**
     * Reads what the run appended and returns each segment's latencies over the jobs whose id is
     * {@code tag + index} and for which every timestamp is known.
     *
     * @param dueMicros   due time of job i, wall-clock microseconds (0 when not sent)
     * @param seenMicros  when job i's result reached the listener, wall-clock microseconds (0 when not seen)
     * @param providerMs  the simulated provider latency, taken out of the call segment
     */
    public Map<Hop, LatencyStats> collect(String tag, long[] dueMicros, long[] seenMicros, int providerMs) {
        int n = dueMicros.length;
        long[] requestMs = read(topics.requests(), CompletionRequest.class, n, tag, CompletionRequest::getJobId, null);
        long[] routedMs = read(providerTopic, RoutedRequest.class, n, tag, r -> r.getRequest().getJobId(), null);
        long[] callStartMs = new long[n];
        long[] callEndMs = read(topics.feedback(), AttemptOutcome.class, n, tag, AttemptOutcome::getJobId,
                (i, o) -> {
                    callStartMs[i] = o.getStartedAtMs();
                    return o.getEndedAtMs();
                });
        long[] resultMs = read(topics.results(), CompletionResult.class, n, tag, CompletionResult::getJobId, null);

        Map<Hop, LatencyStats> hops = new EnumMap<>(Hop.class);
        for (Hop h : Hop.values()) {
            hops.put(h, new LatencyStats());
        }
        for (int i = 0; i < n; i++) {
            if (dueMicros[i] == 0 || seenMicros[i] == 0 || requestMs[i] == 0 || routedMs[i] == 0
                    || callStartMs[i] == 0 || resultMs[i] == 0) {
                continue;
            }
            hops.get(Hop.CLIENT_PUBLISH).recordNanos((requestMs[i] * 1000 - dueMicros[i]) * 1000);
            hops.get(Hop.ROUTER).recordNanos((routedMs[i] - requestMs[i]) * 1_000_000);
            hops.get(Hop.WORKER_PICKUP).recordNanos((callStartMs[i] - routedMs[i]) * 1_000_000);
            hops.get(Hop.CALL).recordNanos((callEndMs[i] - callStartMs[i] - providerMs) * 1_000_000);
            hops.get(Hop.RESULT_PUBLISH).recordNanos((resultMs[i] - callEndMs[i]) * 1_000_000);
            hops.get(Hop.CLIENT_DELIVERY).recordNanos((seenMicros[i] - resultMs[i] * 1000) * 1000);
        }
        return hops;
    }

    /** What a record gives for job i: by default its broker timestamp. */
    private interface Stamp<T> {
        long of(int index, T record);
    }

    /** The first record of each tagged job in the topic since the mark; 0 where none. */
    private <T extends SpecificRecord> long[] read(String topic, Class<T> type, int n, String tag,
                                                   Function<T, String> jobId, Stamp<T> stamp) {
        long[] out = new long[n];
        Deserializer<T> decoder = env.serdes().serde(type).deserializer();
        Map<TopicPartition, Long> from = start.get(topic);
        try (KafkaConsumer<byte[], byte[]> c = consumer(env)) {
            List<TopicPartition> parts = new ArrayList<>(from.keySet());
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            c.assign(parts);
            from.forEach(c::seek);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> rec : c.poll(Duration.ofMillis(200))) {
                    T value = decoder.deserialize(topic, rec.value());
                    String id = value == null ? null : jobId.apply(value);
                    if (id == null || !id.startsWith(tag)) {
                        continue;
                    }
                    int i;
                    try {
                        i = Integer.parseInt(id.substring(tag.length()));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    if (i >= 0 && i < n && out[i] == 0) {
                        out[i] = stamp == null ? rec.timestamp() : stamp.of(i, value);
                    }
                }
            }
        }
        return out;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(BenchEnvironment env) {
        Properties p = env.clientProperties();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
        return c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
    }
}
