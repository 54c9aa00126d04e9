package dev.detour.bench.report;

import java.util.List;
import java.util.stream.Collectors;

/** Writes a suite report as a Markdown section: heading, table, targets met or not, notes. */
public final class MarkdownReport {
    private MarkdownReport() {}

    public static String render(SuiteReport r) {
        StringBuilder out = new StringBuilder();
        out.append("### ").append(r.suite()).append(": ").append(r.title()).append("\n\n");
        out.append(row(r.columns()));
        out.append(r.columns().stream().map(c -> "---").collect(Collectors.joining("|", "|", "|\n")));
        for (List<Object> cells : r.rows()) {
            out.append(row(cells.stream().map(Figures::format).toList()));
        }
        for (SuiteReport.Table t : r.tables()) {
            out.append("\n").append(t.title()).append("\n\n");
            out.append(row(t.columns()));
            out.append(t.columns().stream().map(c -> "---").collect(Collectors.joining("|", "|", "|\n")));
            for (List<Object> cells : t.rows()) {
                out.append(row(cells.stream().map(Figures::format).toList()));
            }
        }
        if (!r.targets().isEmpty()) {
            out.append("\n| target | goal | measured | met |\n|---|---|---|---|\n");
            for (TargetCheck t : r.targets()) {
                out.append(row(List.of(t.name(), t.goal(), Figures.format(t.measured()), t.met() ? "met" : "NOT met")));
            }
        }
        if (!r.notes().isEmpty()) {
            out.append('\n');
            r.notes().forEach(n -> out.append("- ").append(n).append('\n'));
        }
        out.append("\n_").append(r.suite()).append(" took ").append(Figures.format(r.elapsedMs() / 1000.0)).append(" s_\n");
        return out.toString();
    }

    private static String row(List<String> cells) {
        return cells.stream().map(c -> c.replace("|", "\\|")).collect(Collectors.joining(" | ", "| ", " |\n"));
    }
}
