package dev.detour.bench.report;

import java.util.Locale;

/** How numbers are written in the tables: few digits, thousands separated, NaN as "n/a". */
public final class Figures {
    private Figures() {}

    public static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    public static String format(Object v) {
        if (v instanceof Double d) {
            return format(d.doubleValue());
        }
        if (v instanceof Float f) {
            return format(f.doubleValue());
        }
        if (v instanceof Long || v instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) v).longValue());
        }
        return String.valueOf(v);
    }
}
