package dev.detour.bench.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * One suite of a run in a bench JVM of its own ({@code --jvm per-suite}), which starts its own embedded
 * broker and registry. Why: a suite inherited what the one before it left in a shared JVM. After the
 * passthrough ladder (70,000 records/s) the collector had sized the bench JVM's heap for throughput,
 * 1.5 GB with a young generation of about 1 GB, and kept it for minutes: the overhead suite that
 * followed saw young pauses of 11-30 ms (median per 20 s) where a run of it alone saw 3-5 ms, and its
 * p99 at 1,000 jobs/s was 23-36 ms against 17-23 ms alone (GC logs of both, 2026-12-02).
 *
 * <p>The child gets this JVM's options (collector, heap, {@code -D} settings such as the passthrough's
 * record count) except a flight recording, whose file each child would overwrite, and a debugger's
 * agent, whose port the first child would hold. Its standard output is relayed line by line, its
 * standard error is this process's. It stops when this JVM does.
 */
public final class SuiteProcess {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private SuiteProcess() {}

    /**
     * Runs {@code mainClass} with {@code args} in a child JVM, relaying its output to {@code relay}, and
     * returns its exit code once it ended.
     */
    public static int run(Class<?> mainClass, List<String> args, PrintStream relay) throws IOException, InterruptedException {
        List<String> command = ChildJvm.command(a -> !a.startsWith("-XX:StartFlightRecording")
                && !a.startsWith("-agentlib:jdwp"), List.of(), mainClass, args);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread hook = ChildJvm.stopWhenThisJvmExits("suite", process, STOP_TIMEOUT);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                relay.println(line);
            }
            relay.flush();
            return process.waitFor();
        } finally {
            if (process.isAlive()) {
                ChildJvm.stop(process, STOP_TIMEOUT);
            }
            ChildJvm.removeHook(hook);
        }
    }

    /** For a suite's own JVM: ends it (shutdown hooks included, so its broker is stopped) when the parent ends. */
    public static void exitWithParent() {
        ChildJvm.exitWithParent();
    }
}
