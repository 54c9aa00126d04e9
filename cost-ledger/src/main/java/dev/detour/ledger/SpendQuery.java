package dev.detour.ledger;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A spend question: one tenant (or all tenants when {@code tenant} is null), an inclusive range of UTC days, and
 * the dimensions to group by (none gives one total row).
 */
public record SpendQuery(String tenant, LocalDate from, LocalDate to, Set<Dimension> groupBy) {

    public enum Dimension {
        TENANT, DAY, PROVIDER, MODEL;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public SpendQuery {
        if (tenant != null && tenant.isBlank()) {
            tenant = null;
        }
        if (from == null || to == null) {
            throw new IllegalArgumentException("from and to are required (YYYY-MM-DD)");
        }
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to " + to + " is before from " + from);
        }
        groupBy = groupBy.isEmpty() ? EnumSet.noneOf(Dimension.class) : EnumSet.copyOf(groupBy);
    }

    /** The question about every tenant. */
    public static SpendQuery allTenants(LocalDate from, LocalDate to, Set<Dimension> groupBy) {
        return new SpendQuery(null, from, to, groupBy);
    }

    public boolean isAllTenants() {
        return tenant == null;
    }

    /** Parses "provider,model,day" (any order, any case; empty means no grouping). */
    public static Set<Dimension> parseGroupBy(String text) {
        EnumSet<Dimension> dims = EnumSet.noneOf(Dimension.class);
        if (text == null || text.isBlank()) {
            return dims;
        }
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            try {
                dims.add(Dimension.valueOf(p.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown group-by dimension '" + p + "' (tenant, provider, model, day)");
            }
        }
        return dims;
    }

    public String groupByText() {
        List<String> names = new ArrayList<>();
        for (Dimension d : groupBy) names.add(d.wireName());
        return String.join(",", names);
    }
}
