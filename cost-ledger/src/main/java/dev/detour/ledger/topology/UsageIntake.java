package dev.detour.ledger.topology;

import dev.detour.ledger.Problem;
import dev.detour.ledger.spend.ProblemKind;
import dev.detour.schema.UsageRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First step: read raw bytes of detour.usage and decode them ourselves, so a record that does not decode becomes
 * a problem instead of a stopped stream. Decoded records are re-keyed by job id (every attempt of a job, and so
 * every duplicate of an attempt, lands on one partition) and passed on as the original bytes.
 */
final class UsageIntake implements Processor<byte[], byte[], String, IntakeEvent> {

    private static final Logger log = LoggerFactory.getLogger(UsageIntake.class);

    private final Deserializer<UsageRecord> usageDecoder;
    private ProcessorContext<String, IntakeEvent> context;

    UsageIntake(Deserializer<UsageRecord> usageDecoder) {
        this.usageDecoder = usageDecoder;
    }

    @Override
    public void init(ProcessorContext<String, IntakeEvent> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        SourceCoordinates src = SourceCoordinates.of(context.recordMetadata(), record.key());
        UsageRecord usage;
        try {
            usage = record.value() == null ? null : usageDecoder.deserialize(src.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            refuse(record, src, ProblemKind.UNDECODABLE, "cannot decode usage record: " + e.getMessage());
            return;
        }
        if (usage == null) {
            refuse(record, src, ProblemKind.UNDECODABLE, "usage record without a value (tombstone)");
            return;
        }
        if (usage.getJobId() == null || usage.getJobId().isEmpty()) {
            refuse(record, src, ProblemKind.MISSING_FIELD, "usage record without jobId");
            return;
        }
        Record<String, IntakeEvent> out = record.withKey(usage.getJobId()).withValue(new IntakeEvent.Accepted(record.value()));
        src.writeTo(out.headers());
        context.forward(out);
    }

    private void refuse(Record<byte[], byte[]> record, SourceCoordinates src, ProblemKind kind, String message) {
        log.warn("refused usage record {}: {}", src.problemId(), message);
        Problem p = new Problem(src.problemId(), kind.name(), message, null, null, null,
                src.topic(), src.partition(), src.offset(), record.timestamp());
        context.forward(record.withKey(p.id()).withValue(new IntakeEvent.Refused(new RefusedUsage(p, record.key(), record.value()))));
    }
}
