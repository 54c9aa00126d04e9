package dev.detour.ledger.http;

import dev.detour.ledger.BudgetStatus;
import dev.detour.ledger.JobReport;
import dev.detour.ledger.Problem;
import dev.detour.ledger.ProblemList;
import dev.detour.ledger.SavingsReport;
import dev.detour.ledger.SpendQuery;
import dev.detour.ledger.SpendReport;
import dev.detour.ledger.spend.SpendKey;
import dev.detour.ledger.spend.SpendRollup;
import dev.detour.ledger.spend.SpendTotals;
import dev.detour.ledger.topology.LedgerStores;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Answers ledger questions from the stores this instance holds. Routing to other instances is not its job. */
public final class LedgerQueries {

    private static final StringSerializer KEYS = new StringSerializer();
    private final StoreSource stores;

    public LedgerQueries(StoreSource stores) {
        this.stores = stores;
    }

    /** A tenant's spend, or for all tenants the part this instance holds. */
    public SpendReport spend(SpendQuery q) {
        ReadOnlyKeyValueStore<String, SpendTotals> spend = stores.store(LedgerStores.SPEND);
        List<Map.Entry<SpendKey, SpendTotals>> buckets = new ArrayList<>();
        try (KeyValueIterator<String, SpendTotals> it = q.isAllTenants() ? spend.all()
                : spend.prefixScan(SpendKey.tenantPrefix(q.tenant()), KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, SpendTotals> kv = it.next();
                buckets.add(new AbstractMap.SimpleImmutableEntry<>(SpendKey.decode(kv.key), kv.value));
            }
        }
        return SpendRollup.spend(q, buckets);
    }

    public SavingsReport savings(String tenant, String from, String to) {
        ReadOnlyKeyValueStore<String, SpendTotals> days = stores.store(LedgerStores.TENANT_DAY);
        Map<String, SpendTotals> byDay = new LinkedHashMap<>();
        try (KeyValueIterator<String, SpendTotals> it = days.prefixScan(SpendKey.tenantPrefix(tenant), KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, SpendTotals> kv = it.next();
                byDay.put(SpendKey.dayOfTenantDay(kv.key), kv.value);
            }
        }
        return SpendRollup.savings(tenant, from, to, byDay);
    }

    public Optional<JobReport> job(String jobId) {
        ReadOnlyKeyValueStore<String, JobReport> jobs = stores.store(LedgerStores.JOBS);
        return Optional.ofNullable(jobs.get(jobId));
    }

    public Optional<BudgetStatus> budget(String tenant) {
        ReadOnlyKeyValueStore<String, BudgetStatus> budgets = stores.store(LedgerStores.BUDGETS);
        return Optional.ofNullable(budgets.get(tenant));
    }

    /** Problems held here, oldest first. */
    public ProblemList problems() {
        ReadOnlyKeyValueStore<String, Problem> problems = stores.store(LedgerStores.PROBLEMS);
        List<Problem> all = new ArrayList<>();
        try (KeyValueIterator<String, Problem> it = problems.all()) {
            while (it.hasNext()) all.add(it.next().value);
        }
        all.sort(Comparator.comparingLong(Problem::seenAtMs).thenComparing(Problem::id));
        return new ProblemList(all);
    }
}
