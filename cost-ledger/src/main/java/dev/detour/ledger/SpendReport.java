package dev.detour.ledger;

import java.util.ArrayList;
import java.util.List;

/** Answer to a {@link SpendQuery}: grouped rows, sorted by day, provider, model; and the total over all rows. */
public record SpendReport(String tenant, String from, String to, List<String> groupBy, List<SpendRow> rows, SpendRow total)
        implements Tabular {

    @Override
    public List<String> tableColumns() {
        List<String> cols = new ArrayList<>();
        cols.add("tenant");
        cols.addAll(SpendRow.COLUMNS);
        return cols;
    }

    @Override
    public List<Object> tableTotal() {
        List<Object> cells = new ArrayList<>();
        cells.add("TOTAL");
        cells.addAll(total.cells());
        return cells;
    }

    @Override
    public List<List<Object>> tableRows() {
        List<List<Object>> out = new ArrayList<>();
        for (SpendRow r : rows) {
            List<Object> cells = new ArrayList<>();
            cells.add(tenant);
            cells.addAll(r.cells());
            out.add(cells);
        }
        return out;
    }
}
