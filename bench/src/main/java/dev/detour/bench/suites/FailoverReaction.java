package dev.detour.bench.suites;

import dev.detour.bench.BenchEnvironment;
import dev.detour.bench.Suite;
import dev.detour.bench.internal.AttemptLog;
import dev.detour.bench.internal.AttemptLog.Attempt;
import dev.detour.bench.internal.BenchCatalog;
import dev.detour.bench.internal.BenchPipeline;
import dev.detour.bench.internal.OpenLoop;
import dev.detour.bench.internal.Simulator;
import dev.detour.bench.internal.Workload;
import dev.detour.bench.report.SuiteReport;
import dev.detour.bench.report.TargetCheck;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.router.RouterConfig.ProcessingGuarantee;
import dev.detour.schema.Catalog;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.Tier;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady open-loop load on two providers; at t0 the primary goes fully down (simulator control API),
 * later it comes back. From the attempts the router writes to each provider topic: how long and how
 * many attempts until under 1% of new attempts go to the primary, how many jobs failed, and how long
 * until traffic returns once it is back.
 */
public final class FailoverReaction implements Suite {
    static final String PRIMARY = "primary";
    static final String SECONDARY = "secondary";
    /** Shares are taken over one-second windows: a lone half-open probe is not "traffic going there". */
    static final long WINDOW_MS = 1_000;
    static final long STEP_MS = 100;

    @Override
    public String name() {
        return "failover";
    }

    @Override
    public String description() {
        return "time and attempts until < 1% of new attempts go to a provider that went down; failed jobs; recovery";
    }

    @Override
    public SuiteReport run(BenchEnvironment env, boolean quick) throws Exception {
        int rate = quick ? 50 : 200;
        long warmMs = quick ? 3_000 : 10_000;
        long downMs = quick ? 4_000 : 15_000;
        long upMs = quick ? 4_000 : 30_000;
        SuiteReport.Builder report = new SuiteReport.Builder(name(),
                "failover reaction (" + rate + " jobs/s open loop; primary down for " + downMs / 1000 + " s)",
                "primary down by", "jobs", "succeeded", "failed or missing", "reaction s", "attempts to primary in reaction",
                "probes to primary while down", "recovery s", "primary share before");
        ProviderScript base = ProviderScript.healthy().withLatency(ProviderScript.Latency.fixed(20));
        // How the provider is down: answering 503 (the simulator's outage) or cutting connections.
        Map<String, ProviderScript> outages = new LinkedHashMap<>();
        outages.put("503", base.withDown(true));
        if (!quick) {
            outages.put("connection reset", base.withOutage(0, Duration.ofDays(1).toMillis(), "reset"));
        }
        for (var outage : outages.entrySet()) {
            scenario(env, report, outage.getKey(), outage.getValue(), base, rate, warmMs, downMs, upMs, quick);
        }
        report.note("Shares of new attempts are taken over sliding " + WINDOW_MS + " ms windows (step " + STEP_MS
                + " ms) of the router's writes to the provider topics (broker append time). Reaction ends where the "
                + "first window has < 1% of new attempts on the down provider (later half-open probes are counted apart); recovery is the middle of the first "
                + "window after its return where its share is back to half its share before the outage.");
        return report.build();
    }

    private void scenario(BenchEnvironment env, SuiteReport.Builder report, String mode, ProviderScript outage,
                          ProviderScript base, int rate, long warmMs, long downMs, long upMs, boolean quick)
            throws Exception {
        String key = mode.replaceAll("[^a-z0-9]+", "_");
        try (Simulator sim = Simulator.start(11)) {
            sim.script(PRIMARY, base);
            sim.script(SECONDARY, base);
            Catalog catalog = BenchCatalog.of(List.of(
                    new BenchCatalog.Entry(PRIMARY, "model-p", Tier.PRIMARY, 150_000, 600_000),
                    new BenchCatalog.Entry(SECONDARY, "model-s", Tier.SECONDARY, 300_000, 1_200_000)), sim::baseUrl);
            try (BenchPipeline pipeline = BenchPipeline.start(env, "failover-" + key, catalog, null,
                    ProcessingGuarantee.AT_LEAST_ONCE, 10_000);
                 AttemptLog attempts = AttemptLog.watch(env.clientProperties(),
                         List.of(pipeline.topics().provider(PRIMARY), pipeline.topics().provider(SECONDARY)))) {
                pipeline.awaitReady(Duration.ofSeconds(120));
                String tag = "fo-";
                AtomicLong succeeded = new AtomicLong();
                ConcurrentHashMap<String, Boolean> ended = new ConcurrentHashMap<>();
                pipeline.sink(r -> {
                    if (r.getJobId().startsWith(tag) && ended.putIfAbsent(r.getJobId(), Boolean.TRUE) == null
                            && r.getStatus() == ResultStatus.SUCCEEDED) {
                        succeeded.incrementAndGet();
                    }
                });
                int jobs = (int) (rate * (warmMs + downMs + upMs) / 1000);
                long[] marks = new long[2]; // t0 (down), t1 (back), wall clock
                Thread chaos = Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(warmMs);
                        sim.put(PRIMARY, outage);
                        marks[0] = System.currentTimeMillis();
                        Thread.sleep(downMs);
                        sim.put(PRIMARY, base);
                        marks[1] = System.currentTimeMillis();
                    } catch (Exception e) {
                        throw new IllegalStateException("chaos schedule failed", e);
                    }
                });
                OpenLoop.run(rate, jobs, (i, due) -> pipeline.client().submit(Workload.kilobyteRequest(tag + i)));
                chaos.join();
                long deadline = System.nanoTime() + Duration.ofSeconds(quick ? 60 : 120).toNanos();
                while (ended.size() < jobs && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Thread.sleep(500); // the last attempts reach the attempt log
                Analysis a = analyse(attempts.snapshot(), pipeline.topics().provider(PRIMARY), marks[0], marks[1]);
                long failed = jobs - succeeded.get();
                report.row(mode, jobs, succeeded.get(), failed, a.reactionMs / 1000.0, a.attemptsDuringReaction,
                        a.probesWhileDown, a.recoveryMs / 1000.0, a.shareBefore);
                report.figure(key + ".jobs", jobs);
                report.figure(key + ".failed_jobs", failed);
                report.figure(key + ".reaction_s", a.reactionMs / 1000.0);
                report.figure(key + ".attempts_to_primary_during_reaction", a.attemptsDuringReaction);
                report.figure(key + ".probes_to_primary_while_down", a.probesWhileDown);
                report.figure(key + ".recovery_s", a.recoveryMs / 1000.0);
                report.figure(key + ".primary_share_before", a.shareBefore);
                report.target(TargetCheck.atMost("primary down (" + mode + "): time until < 1% of new attempts go to it, s",
                        2, a.reactionMs / 1000.0));
                report.target(TargetCheck.atMost("primary down (" + mode + "): failed jobs", 0, failed));
                if (a.reactionMs >= marks[1] - marks[0]) {
                    report.note(mode + ": new attempts kept going to the down primary for the whole outage (reaction "
                            + "shown is the outage length, a lower bound)");
                }
                if (Double.isNaN(a.recoveryMs)) {
                    report.note(mode + ": traffic did not return to the primary within the " + upMs / 1000
                            + " s after it came back (the breaker's open wait grows with each failed probe)");
                }
            }
        }
    }

    record Analysis(double reactionMs, long attemptsDuringReaction, long probesWhileDown, double recoveryMs,
                    double shareBefore) {}

    static Analysis analyse(List<Attempt> all, String primaryTopic, long t0, long t1) {
        double before = share(all, primaryTopic, t0 - 5_000, t0);
        // Reaction ends at the first window after t0 with < 1% of new attempts on the provider; the
        // breaker's half-open probes after that are counted separately, not as traffic going there.
        long reactionEnd = t1;
        for (long w = t0; w + WINDOW_MS <= t1; w += STEP_MS) {
            if (share(all, primaryTopic, w, w + WINDOW_MS) < 0.01) {
                reactionEnd = w;
                break;
            }
        }
        long during = count(all, primaryTopic, t0, reactionEnd);
        long probes = count(all, primaryTopic, reactionEnd, t1);
        double recovery = Double.NaN;
        long lastAttempt = all.stream().mapToLong(Attempt::appendMs).max().orElse(t1);
        for (long w = t1; w + WINDOW_MS <= lastAttempt; w += STEP_MS) {
            if (share(all, primaryTopic, w, w + WINDOW_MS) >= before / 2) {
                recovery = w + WINDOW_MS / 2 - t1; // the middle of the first window back: exact for a step change
                break;
            }
        }
        return new Analysis(reactionEnd - t0, during, probes, recovery, before);
    }

    private static double share(List<Attempt> all, String topic, long from, long to) {
        long total = 0;
        long on = 0;
        for (Attempt a : all) {
            if (a.appendMs() >= from && a.appendMs() < to) {
                total++;
                if (a.topic().equals(topic)) {
                    on++;
                }
            }
        }
        return total == 0 ? 0 : (double) on / total;
    }

    private static long count(List<Attempt> all, String topic, long from, long to) {
        return all.stream().filter(a -> a.topic().equals(topic) && a.appendMs() >= from && a.appendMs() < to).count();
    }
}
