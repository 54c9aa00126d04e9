package dev.detour.ledger.spend;

import dev.detour.ledger.SavingsReport;
import dev.detour.ledger.SavingsRow;
import dev.detour.ledger.SpendQuery;
import dev.detour.ledger.SpendQuery.Dimension;
import dev.detour.ledger.SpendReport;
import dev.detour.ledger.SpendRow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Groups the finest spend buckets of a tenant into the rows a query asks for. Pure: no store, no Kafka. */
public final class SpendRollup {

    private SpendRollup() {
    }

    public static SpendReport spend(SpendQuery q, Iterable<Map.Entry<SpendKey, SpendTotals>> buckets) {
        record Group(String day, String provider, String model) {
        }
        Comparator<String> nullsFirst = Comparator.nullsFirst(Comparator.naturalOrder());
        Map<Group, SpendTotals> groups = new TreeMap<>(Comparator.comparing(Group::day, nullsFirst)
                .thenComparing(Group::provider, nullsFirst).thenComparing(Group::model, nullsFirst));
        SpendTotals total = SpendTotals.ZERO;
        String from = q.from().toString();
        String to = q.to().toString();
        for (Map.Entry<SpendKey, SpendTotals> e : buckets) {
            SpendKey k = e.getKey();
            if (!k.tenant().equals(q.tenant()) || k.day().compareTo(from) < 0 || k.day().compareTo(to) > 0) {
                continue;
            }
            Group g = new Group(q.groupBy().contains(Dimension.DAY) ? k.day() : null,
                    q.groupBy().contains(Dimension.PROVIDER) ? k.provider() : null,
                    q.groupBy().contains(Dimension.MODEL) ? k.model() : null);
            groups.merge(g, e.getValue(), SpendTotals::plus);
            total = total.plus(e.getValue());
        }
        List<SpendRow> rows = new ArrayList<>();
        groups.forEach((g, t) -> rows.add(SpendRow.of(g.day(), g.provider(), g.model(), t)));
        List<String> groupBy = q.groupBy().stream().map(Dimension::wireName).toList();
        return new SpendReport(q.tenant(), from, to, groupBy, rows, SpendRow.of(null, null, null, total));
    }

    /** Savings by day from the tenant x day buckets (keyed by UTC day). */
    public static SavingsReport savings(String tenant, String from, String to, Map<String, SpendTotals> byDay) {
        List<SavingsRow> rows = new ArrayList<>();
        SpendTotals total = SpendTotals.ZERO;
        for (Map.Entry<String, SpendTotals> e : new TreeMap<>(byDay).entrySet()) {
            if (e.getKey().compareTo(from) < 0 || e.getKey().compareTo(to) > 0) continue;
            rows.add(row(e.getKey(), e.getValue()));
            total = total.plus(e.getValue());
        }
        return new SavingsReport(tenant, from, to, rows, row(null, total));
    }

    private static SavingsRow row(String day, SpendTotals t) {
        return new SavingsRow(day, t.attempts(), t.costMicros(), t.baselineMicros(), t.savingsMicros(), t.cachedAnswers());
    }
}
