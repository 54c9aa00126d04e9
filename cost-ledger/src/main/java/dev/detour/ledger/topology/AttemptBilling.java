package dev.detour.ledger.topology;

import dev.detour.ledger.JobReport;
import dev.detour.ledger.Problem;
import dev.detour.ledger.spend.AttemptPricer;
import dev.detour.ledger.spend.PricedAttempt;
import dev.detour.ledger.spend.PricingOutcome;
import dev.detour.ledger.spend.ProblemKind;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.UsageRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Second step, partitioned by job id: drop attempts already counted, price the rest from the catalog, book them
 * on their job, and pass them on keyed by tenant. An attempt id stays in the de-duplication store for the
 * usage topic's retention (measured in record time), so a duplicate delivered days later is still dropped.
 */
final class AttemptBilling implements Processor<String, byte[], String, IntakeEvent> {

    private static final Logger log = LoggerFactory.getLogger(AttemptBilling.class);

    private final Deserializer<UsageRecord> usageDecoder;
    private final AttemptPricer pricer;
    private final Duration dedupRetention;
    private final Duration purgeInterval;

    private ProcessorContext<String, IntakeEvent> context;
    private KeyValueStore<String, Long> dedup;
    private KeyValueStore<String, JobReport> jobs;
    private ConfigView config;
    private final Deserializer<ConfigRecord> configDecoder;

    AttemptBilling(Deserializer<UsageRecord> usageDecoder, Deserializer<ConfigRecord> configDecoder, AttemptPricer pricer,
                   Duration dedupRetention, Duration purgeInterval) {
        this.usageDecoder = usageDecoder;
        this.configDecoder = configDecoder;
        this.pricer = pricer;
        this.dedupRetention = dedupRetention;
        this.purgeInterval = purgeInterval;
    }

    @Override
    public void init(ProcessorContext<String, IntakeEvent> context) {
        this.context = context;
        this.dedup = context.getStateStore(LedgerStores.DEDUP);
        this.jobs = context.getStateStore(LedgerStores.JOBS);
        KeyValueStore<String, byte[]> configStore = context.getStateStore(LedgerStores.CONFIG);
        this.config = new ConfigView(configStore, configDecoder);
        context.schedule(purgeInterval, PunctuationType.STREAM_TIME, this::purgeExpired);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        SourceCoordinates src = SourceCoordinates.readFrom(record.headers());
        UsageRecord usage;
        try {
            usage = usageDecoder.deserialize(src.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            refuse(record, src, null, ProblemKind.UNDECODABLE, "cannot decode usage record: " + e.getMessage());
            return;
        }
        String attemptId = usage.getAttemptId();
        if (attemptId != null && !attemptId.isEmpty() && dedup.get(attemptId) != null) {
            log.debug("attempt {} already counted; duplicate from {} dropped", attemptId, src.problemId());
            return;
        }
        switch (pricer.price(usage, config.prices())) {
            case PricingOutcome.Refused r -> refuse(record, src, usage, r.kind(), r.message());
            case PricingOutcome.Priced p -> count(record, p.attempt());
        }
    }

    private void count(Record<String, byte[]> record, PricedAttempt attempt) {
        dedup.put(attempt.attemptId(), record.timestamp());
        JobReport job = jobs.get(attempt.jobId());
        jobs.put(attempt.jobId(), job == null ? JobReport.of(attempt.jobId(), List.of(attempt)) : job.with(attempt));
        context.forward(record.withKey(attempt.tenant()).withValue(new IntakeEvent.Counted(attempt)));
    }

    private void refuse(Record<String, byte[]> record, SourceCoordinates src, UsageRecord usage, ProblemKind kind, String message) {
        log.warn("refused usage record {}: {}", src.problemId(), message);
        Problem p = new Problem(src.problemId(), kind.name(), message,
                usage == null ? null : usage.getAttemptId(), usage == null ? null : usage.getJobId(),
                usage == null ? null : usage.getTenant(), src.topic(), src.partition(), src.offset(), record.timestamp());
        context.forward(record.withKey(p.id()).withValue(new IntakeEvent.Refused(new RefusedUsage(p, src.key(), record.value()))));
    }

    /** Forget attempt ids first seen longer ago than the usage topic keeps records (in record time). */
    private void purgeExpired(long streamTimeMs) {
        long cutoff = streamTimeMs - dedupRetention.toMillis();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = dedup.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> e = all.next();
                if (e.value < cutoff) expired.add(e.key);
            }
        }
        expired.forEach(dedup::delete);
        // Per-job detail is kept as long as the attempt ids (totals are kept for ever in the spend stores).
        List<String> oldJobs = new ArrayList<>();
        try (KeyValueIterator<String, JobReport> all = jobs.all()) {
            while (all.hasNext()) {
                KeyValue<String, JobReport> e = all.next();
                long last = e.value.attempts().stream().mapToLong(PricedAttempt::billedAtMs).max().orElse(Long.MIN_VALUE);
                if (last < cutoff) oldJobs.add(e.key);
            }
        }
        oldJobs.forEach(jobs::delete);
        if (!expired.isEmpty() || !oldJobs.isEmpty()) {
            log.info("forgot {} attempt ids and {} jobs older than {}", expired.size(), oldJobs.size(), cutoff);
        }
    }
}
