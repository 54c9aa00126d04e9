package dev.detour.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * Answer to a {@link SpendQuery}: grouped rows, sorted by day, provider, model; and the total over all rows.
 * Table and CSV show the tenant ("*" for all tenants together) and only the other dimensions grouped by.
 */
public record SpendReport(String tenant, String from, String to, List<String> groupBy, List<SpendRow> rows, SpendRow total)
        implements Tabular {

    private static final List<String> DIMENSIONS = List.of("day", "provider", "model");

    /** True when this report is about every tenant (the query named none). */
    public boolean allTenants() {
        return tenant == null;
    }

    @Override
    public List<String> tableColumns() {
        List<String> cols = new ArrayList<>();
        for (String c : SpendRow.COLUMNS) {
            if (!DIMENSIONS.contains(c) || groupBy.contains(c)) cols.add(c);
        }
        return cols;
    }

    @Override
    public List<Object> tableTotal() {
        return total == null ? null : cells("TOTAL", total);
    }

    @Override
    public List<List<Object>> tableRows() {
        List<List<Object>> out = new ArrayList<>();
        for (SpendRow r : rows) out.add(cells(r.tenant() == null ? "*" : r.tenant(), r));
        return out;
    }

    private List<Object> cells(String first, SpendRow r) {
        List<Object> cells = new ArrayList<>();
        cells.add(first);
        List<Object> all = r.cells();
        for (int i = 1; i < SpendRow.COLUMNS.size(); i++) {
            String c = SpendRow.COLUMNS.get(i);
            if (!DIMENSIONS.contains(c) || groupBy.contains(c)) cells.add(all.get(i));
        }
        return cells;
    }
}
