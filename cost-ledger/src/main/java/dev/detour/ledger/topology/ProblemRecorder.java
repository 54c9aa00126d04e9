package dev.detour.ledger.topology;

import dev.detour.ledger.Problem;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.FailureReason;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;

/**
 * Last step for refused records: list the problem (once per delivery) and dead-letter it with the original
 * key and value bytes, so it can be inspected and replayed once the catalog or the producer is fixed.
 */
final class ProblemRecorder implements Processor<String, RefusedUsage, String, DeadLetter> {

    private ProcessorContext<String, DeadLetter> context;
    private KeyValueStore<String, Problem> problems;

    @Override
    public void init(ProcessorContext<String, DeadLetter> context) {
        this.context = context;
        this.problems = context.getStateStore(LedgerStores.PROBLEMS);
    }

    @Override
    public void process(Record<String, RefusedUsage> record) {
        RefusedUsage r = record.value();
        Problem p = r.problem();
        if (problems.get(p.id()) != null) {
            return;
        }
        problems.put(p.id(), p);
        DeadLetter letter = DeadLetter.newBuilder()
                .setJobId(p.jobId())
                .setTenant(p.tenant())
                .setReason("UNDECODABLE".equals(p.kind()) ? FailureReason.UNDECODABLE : FailureReason.INVALID_REQUEST)
                .setMessage("ledger refused usage record (" + p.kind() + "): " + p.message())
                .setComponent("ledger")
                .setSourceTopic(p.sourceTopic())
                .setSourcePartition(p.sourcePartition())
                .setSourceOffset(p.sourceOffset())
                .setOriginalKey(r.originalKey() == null ? null : ByteBuffer.wrap(r.originalKey()))
                .setOriginalValue(r.originalValue() == null ? null : ByteBuffer.wrap(r.originalValue()))
                .setFailedAtMs(p.seenAtMs())
                .build();
        // Dead letters are keyed by job id where there is one, like every other dead letter.
        context.forward(record.withKey(p.jobId() == null ? p.id() : p.jobId()).withValue(letter));
    }
}
