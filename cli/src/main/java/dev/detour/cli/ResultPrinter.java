package dev.detour.cli;

import dev.detour.schema.CompletionResult;
import dev.detour.schema.ResultStatus;
import java.io.PrintStream;

/** Prints results as JSON lines (Avro's JSON rendering) or as one readable line each. */
final class ResultPrinter {
    enum Format { table, json }

    private final PrintStream out;
    private final Format format;

    ResultPrinter(PrintStream out, Format format) {
        this.out = out;
        this.format = format;
    }

    void print(CompletionResult r) {
        if (format == Format.json) {
            out.println(r.toString());
            return;
        }
        String where = r.getProvider() == null ? "-" : r.getProvider() + "/" + r.getModel();
        String detail = r.getStatus() == ResultStatus.SUCCEEDED
                ? preview(r.getContent())
                : r.getFailureReason() + ": " + preview(r.getFailureMessage());
        out.printf("%-36s %-9s %-40s %3d attempt(s) %10s %6d ms  %s%n", r.getJobId(), r.getStatus(), where,
                r.getAttempts().size(), String.format("$%.6f", r.getCostMicros() / 1e6),
                Math.max(0, r.getCompletedAtMs() - r.getSubmittedAtMs()), detail);
    }

    private static String preview(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }
}
