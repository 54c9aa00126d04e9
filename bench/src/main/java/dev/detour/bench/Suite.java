package dev.detour.bench;

import dev.detour.bench.report.SuiteReport;

/** One benchmark suite: measures the project and its reference side by side on the shared broker. */
public interface Suite {

    /** Name on the command line ({@code detour bench <name>}). */
    String name();

    /** One line on what it measures, for {@code --help}. */
    String description();

    /**
     * Runs the suite. In quick mode it only has to run every part for a few seconds and produce
     * numbers; the full mode produces the figures worth recording.
     */
    SuiteReport run(BenchEnvironment env, boolean quick) throws Exception;
}
