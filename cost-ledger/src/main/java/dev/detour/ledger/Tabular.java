package dev.detour.ledger;

import java.util.List;

/** A report that can be laid out as rows of named columns (for table and CSV output). */
public interface Tabular {

    List<String> tableColumns();

    /** Cells are String, Long, Boolean or null, in column order. */
    List<List<Object>> tableRows();

    /** A closing total line for tables (not for CSV), in column order; null when the report has none. */
    default List<Object> tableTotal() {
        return null;
    }
}
