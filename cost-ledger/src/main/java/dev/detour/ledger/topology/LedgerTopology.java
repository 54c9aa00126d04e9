package dev.detour.ledger.topology;

import dev.detour.core.Topics;
import dev.detour.ledger.BudgetStatus;
import dev.detour.ledger.JobReport;
import dev.detour.ledger.Problem;
import dev.detour.ledger.RecordSerdes;
import dev.detour.ledger.internal.JsonSerde;
import dev.detour.ledger.spend.AttemptPricer;
import dev.detour.ledger.spend.CostFormula;
import dev.detour.ledger.spend.PricedAttempt;
import dev.detour.ledger.spend.SpendTotals;
import dev.detour.schema.BudgetState;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.UsageRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The ledger as a Kafka Streams topology. Read top to bottom:
 * <ol>
 *   <li>detour.config is copied into a global store (catalog prices, tenant budgets; updates apply live);</li>
 *   <li>detour.usage is read as raw bytes and decoded here; what does not decode is refused;</li>
 *   <li>records are re-keyed by job id, de-duplicated by attempt id, priced, and booked per job;</li>
 *   <li>counted attempts are re-keyed by tenant and summed per tenant x day (x provider x model); each change
 *       re-decides the tenant's budget, published to detour.budgets when the decision changes;</li>
 *   <li>refused records are listed as problems and dead-lettered with their original bytes.</li>
 * </ol>
 * Under exactly_once_v2 every step's store updates and outputs commit together, so a restart neither loses
 * nor doubles an attempt.
 */
public final class LedgerTopology {

    private static final Logger log = LoggerFactory.getLogger(LedgerTopology.class);

    /** What the topology needs; {@link #defaults(RecordSerdes)} for the usual values. */
    public record Settings(Topics topics, RecordSerdes serdes, CostFormula costFormula, Duration dedupRetention,
                           Duration dedupPurgeInterval, Duration budgetCheckInterval, boolean inMemoryStores) {

        public static Settings defaults(RecordSerdes serdes) {
            return new Settings(Topics.defaults(), serdes, CostFormula.LIST_PRICE, Topics.LONG_RETENTION,
                    Duration.ofHours(1), Duration.ofMinutes(1), false);
        }

        public Settings withTopics(Topics t) {
            return new Settings(t, serdes, costFormula, dedupRetention, dedupPurgeInterval, budgetCheckInterval, inMemoryStores);
        }

        public Settings withCostFormula(CostFormula f) {
            return new Settings(topics, serdes, f, dedupRetention, dedupPurgeInterval, budgetCheckInterval, inMemoryStores);
        }

        public Settings withBudgetCheckInterval(Duration d) {
            return new Settings(topics, serdes, costFormula, dedupRetention, dedupPurgeInterval, d, inMemoryStores);
        }

        /** In-memory stores (still changelogged): for a TopologyTestDriver, which commits, and so flushes, per record. */
        public Settings withInMemoryStores() {
            return new Settings(topics, serdes, costFormula, dedupRetention, dedupPurgeInterval, budgetCheckInterval, true);
        }
    }

    private LedgerTopology() {
    }

    public static Topology build(Settings s) {
        StreamsBuilder builder = new StreamsBuilder();
        Topics topics = s.topics();
        Deserializer<UsageRecord> usageDecoder = s.serdes().valueSerde(UsageRecord.class).deserializer();
        Deserializer<ConfigRecord> configDecoder = s.serdes().valueSerde(ConfigRecord.class).deserializer();
        Serde<String> strings = Serdes.String();

        // 1. Configuration, global: every instance prices with the whole catalog.
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(store(s, LedgerStores.CONFIG), strings, Serdes.ByteArray())
                        .withLoggingDisabled(),
                topics.config(), Consumed.with(strings, Serdes.ByteArray()).withName("config-source"),
                () -> new ConfigLoader(configDecoder));

        // Spend buckets, tenant days and budgets are hot keys: the record cache folds their many updates per
        // commit into one store write and one changelog record (flushed with each exactly-once commit).
        builder.addStateStore(Stores.keyValueStoreBuilder(store(s, LedgerStores.DEDUP), strings, Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(store(s, LedgerStores.JOBS), strings, new JsonSerde<>(JobReport.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(store(s, LedgerStores.SPEND), strings, new JsonSerde<>(SpendTotals.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(store(s, LedgerStores.TENANT_DAY), strings, new JsonSerde<>(SpendTotals.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(store(s, LedgerStores.BUDGETS), strings, new JsonSerde<>(BudgetStatus.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(store(s, LedgerStores.PROBLEMS), strings, new JsonSerde<>(Problem.class)));
        JsonSerde<RefusedUsage> refusedSerde = new JsonSerde<>(RefusedUsage.class);

        // 2. Usage, as bytes: decoding is ours, so bad bytes are a problem record and never a stopped stream.
        KStream<String, IntakeEvent> intake = builder
                .stream(topics.usage(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("usage-source"))
                .process(() -> new UsageIntake(usageDecoder), Named.as("usage-intake"));

        // 3. By job: de-duplicate by attempt id, price from the catalog, book per job.
        KStream<String, IntakeEvent> billed = intake
                .filter((k, v) -> v instanceof IntakeEvent.Accepted, Named.as("accepted"))
                .mapValues(v -> ((IntakeEvent.Accepted) v).value(), Named.as("accepted-bytes"))
                .repartition(Repartitioned.with(strings, Serdes.ByteArray()).withName("by-job"))
                .process(() -> new AttemptBilling(usageDecoder, configDecoder, new AttemptPricer(s.costFormula()), s.dedupRetention(),
                        s.dedupPurgeInterval()), Named.as("attempt-billing"), LedgerStores.DEDUP, LedgerStores.JOBS);

        // 4. By tenant: spend buckets and budgets.
        billed.filter((k, v) -> v instanceof IntakeEvent.Counted, Named.as("counted"))
                .mapValues(v -> ((IntakeEvent.Counted) v).attempt(), Named.as("counted-attempt"))
                .repartition(Repartitioned.with(strings, new JsonSerde<>(PricedAttempt.class)).withName("by-tenant"))
                .process(() -> new SpendAccounting(configDecoder, s.budgetCheckInterval()), Named.as("spend-accounting"),
                        LedgerStores.SPEND, LedgerStores.TENANT_DAY, LedgerStores.BUDGETS)
                .to(topics.budgets(), Produced.with(strings, s.serdes().valueSerde(BudgetState.class)).withName("budgets-sink"));

        // 5. Refused records from either step: problems list and dead letter.
        KStream<String, RefusedUsage> refusedAtIntake = refused(intake, "intake")
                .repartition(Repartitioned.with(strings, refusedSerde).withName("refused-intake"));
        KStream<String, RefusedUsage> refusedAtBilling = refused(billed, "billing")
                .repartition(Repartitioned.with(strings, refusedSerde).withName("refused-billing"));
        refusedAtIntake.merge(refusedAtBilling, Named.as("refused"))
                .process(ProblemRecorder::new, Named.as("problem-recorder"), LedgerStores.PROBLEMS)
                .to(topics.deadLetter(), Produced.with(strings, s.serdes().valueSerde(DeadLetter.class)).withName("dead-letter-sink"));

        return builder.build();
    }

    private static org.apache.kafka.streams.state.KeyValueBytesStoreSupplier store(Settings s, String name) {
        return s.inMemoryStores() ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
    }

    private static KStream<String, RefusedUsage> refused(KStream<String, IntakeEvent> events, String step) {
        return events.filter((k, v) -> v instanceof IntakeEvent.Refused, Named.as("refused-" + step + "-filter"))
                .mapValues(v -> ((IntakeEvent.Refused) v).refused(), Named.as("refused-" + step + "-value"));
    }
}
