package dev.detour.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one suite measured: a table for people, named figures for machines (bench-results.json),
 * the targets it checks, and notes on anything that qualifies the numbers.
 *
 * @param suite suite name as given on the command line
 * @param title heading of the table
 * @param columns column headings
 * @param rows table rows (cells are numbers or text)
 * @param figures every measured number by a stable dotted name, e.g. {@code router.at_least_once.records_per_s}
 * @param targets targets checked in this run
 * @param notes qualifications (what could not run, what the numbers include)
 * @param elapsedMs wall time of the suite
 * @param tables further tables under the main one (e.g. a breakdown of its figures)
 */
public record SuiteReport(String suite, String title, List<String> columns, List<List<Object>> rows,
                          Map<String, Double> figures, List<TargetCheck> targets, List<String> notes, long elapsedMs,
                          List<Table> tables) {

    /** A further table: heading, column headings, rows. */
    public record Table(String title, List<String> columns, List<List<Object>> rows) {
        public Table {
            columns = List.copyOf(columns);
            rows = rows.stream().map(r -> (List<Object>) new ArrayList<>(r)).toList();
        }
    }

    public SuiteReport {
        columns = List.copyOf(columns);
        rows = rows.stream().map(r -> (List<Object>) new ArrayList<>(r)).toList();
        figures = new LinkedHashMap<>(figures);
        targets = List.copyOf(targets);
        notes = List.copyOf(notes);
        tables = List.copyOf(tables);
    }

    public SuiteReport withElapsed(long ms) {
        return new SuiteReport(suite, title, columns, rows, figures, targets, notes, ms, tables);
    }

    /** Collects a report while a suite runs. */
    public static final class Builder {
        private final String suite;
        private final String title;
        private final List<String> columns;
        private final List<List<Object>> rows = new ArrayList<>();
        private final Map<String, Double> figures = new LinkedHashMap<>();
        private final List<TargetCheck> targets = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private final List<Table> tables = new ArrayList<>();

        public Builder(String suite, String title, String... columns) {
            this.suite = suite;
            this.title = title;
            this.columns = List.of(columns);
        }

        public Builder row(Object... cells) {
            rows.add(new ArrayList<>(List.of(cells)));
            return this;
        }

        /** A measured number; one that could not be measured in this run (NaN) stays out of the JSON. */
        public Builder figure(String name, double value) {
            if (Double.isFinite(value)) {
                figures.put(name, value);
            }
            return this;
        }

        public Builder target(TargetCheck check) {
            targets.add(check);
            return this;
        }

        public Builder table(Table table) {
            tables.add(table);
            return this;
        }

        public Builder note(String note) {
            notes.add(note);
            return this;
        }

        public SuiteReport build() {
            return new SuiteReport(suite, title, columns, rows, figures, targets, notes, 0, tables);
        }
    }
}
