package dev.detour.worker.internal;

import dev.detour.core.Topics;
import dev.detour.schema.AttemptOutcome;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.UsageRecord;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Publishes through one shared idempotent producer (acks=all), keyed as the topics' readers expect. */
public final class KafkaOutlets implements Outlets {
    private final Producer<String, byte[]> producer;
    private final Topics topics;
    private final WireCodec codec;

    public KafkaOutlets(Producer<String, byte[]> producer, Topics topics, WireCodec codec) {
        this.producer = producer;
        this.topics = topics;
        this.codec = codec;
    }

    @Override
    public Future<?> feedback(AttemptOutcome outcome) {
        return send(topics.feedback(), outcome.getDeploymentId(), outcome);
    }

    @Override
    public Future<?> usage(UsageRecord usage) {
        return send(topics.usage(), usage.getAttemptId(), usage);
    }

    @Override
    public Future<?> result(CompletionResult result) {
        return send(topics.results(), result.getJobId(), result);
    }

    @Override
    public Future<?> deadLetter(DeadLetter deadLetter) {
        return send(topics.deadLetter(), deadLetter.getJobId(), deadLetter);
    }

    @Override
    public Future<?> retry(RoutedRequest retry) {
        return send(topics.retries(), retry.getRequest().getJobId(), retry);
    }

    private Future<?> send(String topic, String key, SpecificRecord value) {
        return producer.send(new ProducerRecord<>(topic, key, codec.encode(topic, value)));
    }
}
