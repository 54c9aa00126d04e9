package dev.detour.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.detour.ledger.internal.JsonSerde;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a ledger report as an aligned table (money in dollars, for people), JSON (the API's own document) or
 * CSV (one line per row, integers in micro-dollars exactly as in the JSON; no total line, so sums are the
 * reader's own).
 */
public enum ReportFormat {
    TABLE, JSON, CSV;

    public static ReportFormat parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown format '" + s + "' (table, json, csv)");
        }
    }

    public String render(Tabular report) {
        return switch (this) {
            case JSON -> json(report);
            case CSV -> csv(report);
            case TABLE -> table(report);
        };
    }

    private static String json(Object report) {
        try {
            return JsonSerde.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render report as JSON", e);
        }
    }

    private static String csv(Tabular report) {
        StringBuilder sb = new StringBuilder();
        line(sb, new ArrayList<>(report.tableColumns()));
        for (List<Object> row : report.tableRows()) line(sb, row);
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<?> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) sb.append(',');
            Object c = cells.get(i);
            String s = c == null ? "" : c.toString();
            if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                s = '"' + s.replace("\"", "\"\"") + '"';
            }
            sb.append(s);
        }
        sb.append("\r\n");
    }

    private static String table(Tabular report) {
        List<String> cols = report.tableColumns();
        List<String> headers = new ArrayList<>();
        for (String c : cols) headers.add(c.endsWith("Micros") ? c.substring(0, c.length() - 6) + " $" : c);
        List<List<Object>> rows = new ArrayList<>(report.tableRows());
        List<Object> total = report.tableTotal();
        if (total != null && !rows.isEmpty()) rows.add(total);
        List<List<String>> cells = new ArrayList<>();
        for (List<Object> row : rows) {
            List<String> r = new ArrayList<>();
            for (int i = 0; i < row.size(); i++) {
                Object v = row.get(i);
                if (v == null) r.add("-");
                else if (cols.get(i).endsWith("Micros") && v instanceof Long l) r.add(dollars(l));
                else r.add(v.toString());
            }
            cells.add(r);
        }
        int[] width = new int[cols.size()];
        for (int i = 0; i < cols.size(); i++) {
            width[i] = headers.get(i).length();
            for (List<String> r : cells) width[i] = Math.max(width[i], r.get(i).length());
        }
        StringBuilder sb = new StringBuilder();
        appendRow(sb, headers, width, null);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < width.length; i++) rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
        sb.append(rule).append('\n');
        for (int r = 0; r < rows.size(); r++) {
            if (total != null && r == rows.size() - 1 && rows.size() > 1) sb.append(rule).append('\n');
            appendRow(sb, cells.get(r), width, rows.get(r));
        }
        if (cells.isEmpty()) sb.append("(no rows)\n");
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, List<String> row, int[] width, List<Object> raw) {
        for (int i = 0; i < row.size(); i++) {
            if (i > 0) sb.append("  ");
            boolean numeric = raw != null && raw.get(i) instanceof Long;
            String s = row.get(i);
            sb.append(numeric ? " ".repeat(width[i] - s.length()) + s : s + " ".repeat(width[i] - s.length()));
        }
        // no trailing blanks
        while (sb.length() > 0 && sb.charAt(sb.length() - 1) == ' ') sb.setLength(sb.length() - 1);
        sb.append('\n');
    }

    /** Micro-dollars as dollars with six decimals, exactly. */
    public static String dollars(long micros) {
        return BigDecimal.valueOf(micros, 6).toPlainString();
    }
}
