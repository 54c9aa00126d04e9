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

    private record Group(String tenant, String day, String provider, String model) {
    }

    private static final Comparator<String> NULLS_FIRST = Comparator.nullsFirst(Comparator.naturalOrder());
    private static final Comparator<Group> ORDER = Comparator.comparing(Group::tenant, NULLS_FIRST)
            .thenComparing(Group::day, NULLS_FIRST).thenComparing(Group::provider, NULLS_FIRST)
            .thenComparing(Group::model, NULLS_FIRST);

    /** Rows of a query from the finest buckets (of one tenant, or of every tenant an instance holds). */
    public static SpendReport spend(SpendQuery q, Iterable<Map.Entry<SpendKey, SpendTotals>> buckets) {
        Map<Group, SpendTotals> groups = new TreeMap<>(ORDER);
        String from = q.from().toString();
        String to = q.to().toString();
        boolean byTenant = !q.isAllTenants() || q.groupBy().contains(Dimension.TENANT);
        for (Map.Entry<SpendKey, SpendTotals> e : buckets) {
            SpendKey k = e.getKey();
            if ((!q.isAllTenants() && !k.tenant().equals(q.tenant())) || k.day().compareTo(from) < 0 || k.day().compareTo(to) > 0) {
                continue;
            }
            Group g = new Group(byTenant ? k.tenant() : null,
                    q.groupBy().contains(Dimension.DAY) ? k.day() : null,
                    q.groupBy().contains(Dimension.PROVIDER) ? k.provider() : null,
                    q.groupBy().contains(Dimension.MODEL) ? k.model() : null);
            groups.merge(g, e.getValue(), SpendTotals::plus);
        }
        return report(q, groups);
    }

    /** One report from the parts answered by several instances (the same group may appear in several). */
    public static SpendReport merge(SpendQuery q, List<SpendReport> parts) {
        Map<Group, SpendTotals> groups = new TreeMap<>(ORDER);
        for (SpendReport part : parts) {
            for (SpendRow r : part.rows()) {
                groups.merge(new Group(r.tenant(), r.day(), r.provider(), r.model()), r.totals(), SpendTotals::plus);
            }
        }
        return report(q, groups);
    }

    private static SpendReport report(SpendQuery q, Map<Group, SpendTotals> groups) {
        List<SpendRow> rows = new ArrayList<>();
        SpendTotals total = SpendTotals.ZERO;
        for (Map.Entry<Group, SpendTotals> e : groups.entrySet()) {
            Group g = e.getKey();
            rows.add(SpendRow.of(g.tenant(), g.day(), g.provider(), g.model(), e.getValue()));
            total = total.plus(e.getValue());
        }
        List<String> groupBy = q.groupBy().stream().map(Dimension::wireName).toList();
        return new SpendReport(q.tenant(), q.from().toString(), q.to().toString(), groupBy, rows,
                SpendRow.of(q.tenant(), null, null, null, total));
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
