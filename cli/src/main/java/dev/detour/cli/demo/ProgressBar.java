package dev.detour.cli.demo;

import java.io.PrintStream;

/** One terminal line, redrawn in place: how far the run is and how it is going. */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean interactive;

    ProgressBar(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    private long lastLineSec = -1;

    void draw(DemoStats stats, int total, long elapsedSec, String phase) {
        // Without a terminal (CI logs, pipes) a line every five seconds is enough.
        if (!interactive && elapsedSec / 5 == lastLineSec / 5 && !phase.equals("done")) {
            return;
        }
        lastLineSec = elapsedSec;
        int done = stats.finishedCount();
        int filled = total == 0 ? 0 : (int) Math.min(WIDTH, (long) WIDTH * done / total);
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        String line = String.format("[%s] %5d/%d  ok %5d  failed %3d  failovers %4d  %3ds  %s",
                bar, done, total, stats.succeededCount(), stats.failedCount(), stats.failoverCount(), elapsedSec, phase);
        if (interactive) {
            out.print("\r" + line + "\u001b[K");
        } else {
            out.println(line);
        }
        out.flush();
    }

    void finish() {
        if (interactive) {
            out.println();
        }
    }
}
