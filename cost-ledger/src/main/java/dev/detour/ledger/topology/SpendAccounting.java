package dev.detour.ledger.topology;

import dev.detour.ledger.BudgetStatus;
import dev.detour.ledger.budget.BudgetLimits;
import dev.detour.ledger.budget.BudgetRule;
import dev.detour.ledger.spend.PricedAttempt;
import dev.detour.ledger.spend.SpendKey;
import dev.detour.ledger.spend.SpendTotals;
import dev.detour.schema.BudgetState;
import dev.detour.schema.ConfigRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Third step, partitioned by tenant: add each counted attempt to its tenant x day x provider x model bucket
 * and its tenant x day bucket, then re-decide the tenant's budget and publish it when the decision changed.
 * A wall-clock punctuator re-decides every known tenant so a new day (or month, or a new limit) lifts a state.
 */
final class SpendAccounting implements Processor<String, PricedAttempt, String, BudgetState> {

    private static final StringSerializer KEYS = new StringSerializer();

    private final Duration budgetCheckInterval;
    private ProcessorContext<String, BudgetState> context;
    private KeyValueStore<String, SpendTotals> spend;
    private KeyValueStore<String, SpendTotals> tenantDays;
    private KeyValueStore<String, BudgetStatus> budgets;
    private ConfigView config;
    private final Deserializer<ConfigRecord> configDecoder;

    SpendAccounting(Deserializer<ConfigRecord> configDecoder, Duration budgetCheckInterval) {
        this.configDecoder = configDecoder;
        this.budgetCheckInterval = budgetCheckInterval;
    }

    @Override
    public void init(ProcessorContext<String, BudgetState> context) {
        this.context = context;
        this.spend = context.getStateStore(LedgerStores.SPEND);
        this.tenantDays = context.getStateStore(LedgerStores.TENANT_DAY);
        this.budgets = context.getStateStore(LedgerStores.BUDGETS);
        KeyValueStore<String, byte[]> configStore = context.getStateStore(LedgerStores.CONFIG);
        this.config = new ConfigView(configStore, configDecoder);
        context.schedule(budgetCheckInterval, PunctuationType.WALL_CLOCK_TIME, this::recheckBudgets);
    }

    @Override
    public void process(Record<String, PricedAttempt> record) {
        PricedAttempt a = record.value();
        String bucket = new SpendKey(a.tenant(), a.day(), a.provider(), a.model()).encode();
        SpendTotals old = spend.get(bucket);
        spend.put(bucket, (old == null ? SpendTotals.ZERO : old).plus(a));
        String dayKey = SpendKey.tenantDay(a.tenant(), a.day());
        SpendTotals oldDay = tenantDays.get(dayKey);
        tenantDays.put(dayKey, (oldDay == null ? SpendTotals.ZERO : oldDay).plus(a));
        decideBudget(a.tenant(), context.currentSystemTimeMs());
    }

    private void recheckBudgets(long nowMs) {
        List<String> tenants = new ArrayList<>();
        try (KeyValueIterator<String, BudgetStatus> all = budgets.all()) {
            while (all.hasNext()) tenants.add(all.next().key);
        }
        tenants.forEach(t -> decideBudget(t, nowMs));
    }

    private void decideBudget(String tenant, long nowMs) {
        LocalDate today = LocalDate.ofInstant(Instant.ofEpochMilli(nowMs), ZoneOffset.UTC);
        BudgetLimits limits = config.budget(tenant);
        long spentToday = costOf(tenantDays.get(SpendKey.tenantDay(tenant, today.toString())));
        // The month is summed only when there is a monthly limit to compare it with.
        long spentMonth = limits.monthlyMicros() == null ? 0 : spentThisMonth(tenant, today);
        BudgetStatus now = BudgetRule.evaluate(tenant, limits, today, spentToday, spentMonth, nowMs);
        BudgetStatus before = budgets.get(tenant);
        budgets.put(tenant, now);
        boolean neverLimited = before == null && !limits.any();
        if (!now.sameDecision(before) && !neverLimited) {
            context.forward(new Record<>(tenant, now.toAvro(), nowMs));
        }
    }

    private long spentThisMonth(String tenant, LocalDate today) {
        long spent = 0;
        String monthPrefix = SpendKey.tenantDay(tenant, today.toString().substring(0, 7));
        try (KeyValueIterator<String, SpendTotals> days = tenantDays.prefixScan(monthPrefix, KEYS)) {
            while (days.hasNext()) {
                KeyValue<String, SpendTotals> d = days.next();
                spent = Math.addExact(spent, d.value.costMicros());
            }
        }
        return spent;
    }

    private static long costOf(SpendTotals t) {
        return t == null ? 0 : t.costMicros();
    }
}
