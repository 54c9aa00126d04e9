package dev.detour.bench.suites;

import dev.detour.bench.BenchEnvironment;
import dev.detour.bench.Suite;
import dev.detour.bench.internal.Baseline;
import dev.detour.bench.internal.BenchCatalog;
import dev.detour.bench.internal.BenchPipeline;
import dev.detour.bench.internal.FaultTrace;
import dev.detour.bench.internal.LatencyStats;
import dev.detour.bench.internal.OpenLoop;
import dev.detour.bench.internal.Simulator;
import dev.detour.bench.report.SuiteReport;
import dev.detour.bench.report.TargetCheck;
import dev.detour.core.catalog.Pricing;
import dev.detour.providers.ApiKeySource;
import dev.detour.providers.ProviderAdapter;
import dev.detour.providers.ProviderAdapters;
import dev.detour.providers.ProviderReply;
import dev.detour.providers.ProviderRequest;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.router.RouterConfig.ProcessingGuarantee;
import dev.detour.schema.Catalog;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.Strategy;
import dev.detour.schema.TenantPolicy;
import dev.detour.schema.Tier;
import dev.detour.schema.UnitPrices;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cost and success under one seeded fault trace (mixed simple and complex jobs; an outage of the
 * premium provider, then a 429 storm on the standard one), through Detour and through baselines run in
 * the harness with the same adapters against the same simulator and schedule: premium only, a static
 * fallback list with cooldowns (LiteLLM-style), round robin, and an oracle that knows the faults.
 */
public final class CostUnderFaultTrace implements Suite {
    static final String PREMIUM = "premium";
    static final String STANDARD = "standard";
    static final String BUDGET = "budget";

    @Override
    public String name() {
        return "cost-trace";
    }

    @Override
    public String description() {
        return "success, p99 and cost per 1,000 jobs under a seeded outage + 429 storm: Detour vs premium-only, "
                + "static fallback, round robin, oracle";
    }

    @Override
    public SuiteReport run(BenchEnvironment env, boolean quick) throws Exception {
        int jobs = quick ? 200 : 3_000;
        int rate = 100;
        ProviderScript base = ProviderScript.healthy().withLatency(ProviderScript.Latency.uniform(20, 60));
        FaultTrace trace = FaultTrace.generate(2026, jobs, rate, 0.3, PREMIUM, STANDARD, base);
        long complexJobs = trace.jobs().stream().filter(FaultTrace.Job::complex).count();
        SuiteReport.Builder report = new SuiteReport.Builder(name(),
                "cost and success under a fault trace (" + jobs + " jobs at " + rate + "/s, " + complexJobs
                        + " complex; seed 2026)",
                "route", "success %", "failed", "p99 ms", "$ per 1k succeeded jobs", "vs premium only", "vs oracle",
                "complex jobs not on premium", "simple jobs on premium", "provider calls");
        try (Simulator sim = Simulator.start(2026)) {
            Catalog catalog = BenchCatalog.of(List.of(
                    new BenchCatalog.Entry(PREMIUM, "large", Tier.PRIMARY, 2_500_000, 10_000_000),
                    new BenchCatalog.Entry(STANDARD, "medium", Tier.SECONDARY, 400_000, 1_600_000),
                    new BenchCatalog.Entry(BUDGET, "small", Tier.TERTIARY, 100_000, 400_000)), sim::baseUrl);
            Map<String, Arm> arms = new LinkedHashMap<>();
            arms.put("detour", detour(env, sim, catalog, trace, base));
            HttpClient http = ProviderAdapters.defaultHttpClient();
            Map<String, ProviderAdapter> adapters = new LinkedHashMap<>();
            for (ProviderSpec p : catalog.getProviders()) {
                adapters.put(p.getName(), ProviderAdapters.create(p, ApiKeySource.none(), http));
            }
            List<String> byPrice = List.of(BUDGET, STANDARD, PREMIUM);
            for (Baseline b : List.of(Baseline.premiumOnly(PREMIUM),
                    Baseline.staticFallback(List.of(PREMIUM, STANDARD, BUDGET)),
                    Baseline.roundRobin(List.of(PREMIUM, STANDARD, BUDGET)),
                    Baseline.oracle(trace, byPrice, PREMIUM, BUDGET))) {
                arms.put(b.name(), baseline(b, sim, catalog, adapters, trace, base));
            }
            Arm premiumOnly = arms.get("premium only");
            Arm oracle = arms.get("oracle (knows the faults)");
            for (var e : arms.entrySet()) {
                Arm a = e.getValue();
                String key = e.getKey().replaceAll("[^a-z]+", "_").replaceAll("_+$", "");
                report.row(e.getKey(), a.successRate() * 100, jobs - a.succeeded, a.latency.p99(), a.usdPer1k(),
                        a.usdPer1k() / premiumOnly.usdPer1k(), a.usdPer1k() / oracle.usdPer1k(), a.complexOffPremium,
                        a.simpleOnPremium, a.providerCalls);
                report.figure(key + ".success_rate", a.successRate());
                report.figure(key + ".p99_ms", a.latency.p99());
                report.figure(key + ".usd_per_1k_succeeded", a.usdPer1k());
                report.figure(key + ".provider_calls", a.providerCalls);
            }
            Arm detour = arms.get("detour");
            report.target(TargetCheck.atLeast("Detour success %", 99.9, detour.successRate() * 100));
            report.target(TargetCheck.atMost("Detour cost / premium-only cost", 0.70,
                    detour.usdPer1k() / premiumOnly.usdPer1k()));
            report.target(TargetCheck.atMost("Detour cost / oracle cost", 1.10, detour.usdPer1k() / oracle.usdPer1k()));
        }
        for (FaultTrace.Fault f : trace.faults()) {
            report.note(f.provider() + ": " + f.kind() + " from " + f.fromMs() / 1000.0 + " s to " + f.toMs() / 1000.0
                    + " s of each " + trace.durationMs() / 1000.0 + " s arm, installed through the simulator's control API");
        }
        report.note("Prices per million tokens (in/out): premium $2.50/$10, standard $0.40/$1.60, budget $0.10/$0.40. "
                + "Cost is what the providers billed for successful calls (Detour: the results' costMicros), per 1,000 "
                + "jobs that succeeded. Detour's tenant allows a cheaper tier for simple work (strategy COST).");
        report.note("Baselines run in the harness with the project's adapters against the same simulator; at most "
                + Baseline.MAX_ATTEMPTS + " attempts per job; premium-only backs off 250/500 ms between tries. "
                + "Job latency runs from the job's due time (open loop) to its answer.");
        return report.build();
    }

    /** What one arm achieved. */
    static final class Arm {
        final LatencyStats latency = new LatencyStats();
        long succeeded;
        long costMicros;
        long complexOffPremium;
        long simpleOnPremium;
        long providerCalls;
        final int jobs;

        Arm(int jobs) {
            this.jobs = jobs;
        }

        double successRate() {
            return (double) succeeded / jobs;
        }

        double usdPer1k() {
            return succeeded == 0 ? Double.NaN : costMicros / 1e6 / succeeded * 1000;
        }
    }

    /** Installs each fault at its start and the base script at its end, through the control API. */
    private static Thread chaos(Simulator sim, FaultTrace trace, ProviderScript base, long startNanos) {
        return Thread.ofVirtual().start(() -> {
            record Event(long atMs, String provider, ProviderScript script) {}
            List<Event> events = new ArrayList<>();
            for (FaultTrace.Fault f : trace.faults()) {
                events.add(new Event(f.fromMs(), f.provider(), f.script()));
                events.add(new Event(f.toMs(), f.provider(), base));
            }
            events.sort((a, b) -> Long.compare(a.atMs(), b.atMs()));
            try {
                for (Event e : events) {
                    long wait = e.atMs() - (System.nanoTime() - startNanos) / 1_000_000;
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    sim.put(e.provider(), e.script());
                }
            } catch (Exception e) {
                throw new IllegalStateException("fault schedule failed", e);
            }
        });
    }

    private static void reset(Simulator sim, Catalog catalog, ProviderScript base) {
        for (ProviderSpec p : catalog.getProviders()) {
            sim.script(p.getName(), base);
            sim.simulator().resetStats(p.getName());
        }
    }

    private static long calls(Simulator sim, Catalog catalog) {
        return catalog.getProviders().stream().mapToLong(p -> sim.simulator().stats(p.getName()).requests()).sum();
    }

    private static Arm detour(BenchEnvironment env, Simulator sim, Catalog catalog, FaultTrace trace, ProviderScript base)
            throws Exception {
        Arm arm = new Arm(trace.jobs().size());
        TenantPolicy tenant = TenantPolicy.newBuilder().setTenant(dev.detour.bench.internal.Workload.TENANT)
                .setStrategy(Strategy.COST).setAllowCheaperTier(true).build();
        reset(sim, catalog, base);
        try (BenchPipeline pipeline = BenchPipeline.start(env, "cost", catalog, tenant, ProcessingGuarantee.AT_LEAST_ONCE,
                10_000)) {
            pipeline.awaitReady(Duration.ofSeconds(120));
            reset(sim, catalog, base);
            String tag = "ct-";
            long[] due = new long[trace.jobs().size()];
            ConcurrentHashMap<Integer, Boolean> ended = new ConcurrentHashMap<>();
            AtomicLong cost = new AtomicLong();
            AtomicLong ok = new AtomicLong();
            AtomicLong offPremium = new AtomicLong();
            AtomicLong onPremium = new AtomicLong();
            pipeline.sink(r -> {
                long now = System.nanoTime();
                if (!r.getJobId().startsWith(tag)) {
                    return;
                }
                int i = Integer.parseInt(r.getJobId().substring(tag.length()));
                if (ended.putIfAbsent(i, Boolean.TRUE) != null) {
                    return;
                }
                cost.addAndGet(r.getCostMicros());
                if (r.getStatus() == ResultStatus.SUCCEEDED) {
                    ok.incrementAndGet();
                    arm.latency.recordNanos(now - dueOf(due, i));
                    if (trace.jobs().get(i).complex() && !PREMIUM.equals(r.getProvider())) {
                        offPremium.incrementAndGet();
                    }
                    if (!trace.jobs().get(i).complex() && PREMIUM.equals(r.getProvider())) {
                        onPremium.incrementAndGet();
                    }
                }
            });
            long start = System.nanoTime() + 1_000_000;
            Thread chaos = chaos(sim, trace, base, start);
            OpenLoop.run(trace.ratePerSecond(), trace.jobs().size(), (i, dueNanos) -> {
                synchronized (due) {
                    due[i] = dueNanos;
                }
                pipeline.client().submit(trace.jobs().get(i).request(tag + i));
            });
            chaos.join();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (ended.size() < trace.jobs().size() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            arm.succeeded = ok.get();
            arm.costMicros = cost.get();
            arm.complexOffPremium = offPremium.get();
            arm.simpleOnPremium = onPremium.get();
        arm.simpleOnPremium = onPremium.get();
            arm.providerCalls = calls(sim, catalog);
        }
        return arm;
    }

    private static long dueOf(long[] due, int i) {
        synchronized (due) {
            return due[i];
        }
    }

    private static Arm baseline(Baseline baseline, Simulator sim, Catalog catalog, Map<String, ProviderAdapter> adapters,
                                FaultTrace trace, ProviderScript base) throws Exception {
        Arm arm = new Arm(trace.jobs().size());
        reset(sim, catalog, base);
        Map<String, DeploymentSpec> deploymentOf = new LinkedHashMap<>();
        catalog.getDeployments().forEach(d -> deploymentOf.put(d.getProvider(), d));
        AtomicLong cost = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong offPremium = new AtomicLong();
        AtomicLong onPremium = new AtomicLong();
        long start;
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            start = System.nanoTime() + 1_000_000;
            Thread chaos = chaos(sim, trace, base, start);
            long origin = start;
            OpenLoop.run(trace.ratePerSecond(), trace.jobs().size(), (i, dueNanos) -> calls.submit(() -> {
                FaultTrace.Job job = trace.jobs().get(i);
                CompletionRequest request = job.request("bl-" + i);
                long elapsed = (System.nanoTime() - origin) / 1_000_000;
                List<String> plan = baseline.plan(job, elapsed);
                for (int attempt = 0; attempt < Math.min(Baseline.MAX_ATTEMPTS, plan.size()); attempt++) {
                    String provider = plan.get(attempt);
                    DeploymentSpec d = deploymentOf.get(provider);
                    ProviderReply reply;
                    try {
                        reply = adapters.get(provider).complete(new ProviderRequest(d.getProviderModel(),
                                request.getMessages(), request.getParams(), Duration.ofSeconds(30))).get(60, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        reply = ProviderReply.Failure.of(ErrorClass.CONNECTION, null, e.toString());
                    }
                    long now = System.nanoTime();
                    baseline.outcome(provider, reply instanceof ProviderReply.Completion, (now - origin) / 1_000_000);
                    if (reply.usage() != null) {
                        cost.addAndGet(Pricing.cost(reply.usage(), prices(d)));
                    }
                    if (reply instanceof ProviderReply.Completion) {
                        ok.incrementAndGet();
                        synchronized (arm.latency) {
                            arm.latency.recordNanos(now - dueNanos);
                        }
                        if (job.complex() && !provider.equals(PREMIUM)) {
                            offPremium.incrementAndGet();
                        }
                        if (!job.complex() && provider.equals(PREMIUM)) {
                            onPremium.incrementAndGet();
                        }
                        return null;
                    }
                    if (plan.get(Math.min(attempt + 1, plan.size() - 1)).equals(provider)) {
                        Thread.sleep(250L << attempt); // retrying the same provider: back off first
                    }
                }
                return null;
            }));
            chaos.join();
        } // waits for every call
        arm.succeeded = ok.get();
        arm.costMicros = cost.get();
        arm.complexOffPremium = offPremium.get();
        arm.simpleOnPremium = onPremium.get();
        arm.providerCalls = calls(sim, catalog);
        return arm;
    }

    private static UnitPrices prices(DeploymentSpec d) {
        return d.getPrices();
    }
}
