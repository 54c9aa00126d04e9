package dev.detour.cli.demo;

import dev.detour.cli.runtime.EmbeddedRuntime;
import dev.detour.client.DetourClient;
import dev.detour.client.DetourClientConfig;
import dev.detour.ledger.LedgerClient;
import dev.detour.ledger.SavingsReport;
import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import java.io.PrintStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo's story: steady traffic, then the busiest provider goes fully down, then a 429 storm
 * on the next busiest, then everything recovers. Which providers those are is decided from the
 * traffic itself (the router chooses, not the script), so the story holds for any catalog.
 */
public final class DemoScenario {

    /** Shape of a run. Phase boundaries are fractions of the duration. */
    public record Settings(String tenant, int jobsPerSecond, long durationMs, long deadlineMs, long seed,
                           double outageFrom, double outageTo, double stormFrom, double stormTo) {
        public static Settings demo() {
            return new Settings("demo", 50, 60_000, 30_000, 42, 0.2, 0.5, 0.5, 0.7);
        }

        public Settings withRate(int perSecond, long durationMs) {
            return new Settings(tenant, perSecond, durationMs, deadlineMs, seed, outageFrom, outageTo, stormFrom, stormTo);
        }

        public int totalJobs() {
            return (int) (jobsPerSecond * durationMs / 1000);
        }
    }

    /** What the run produced. */
    public record Outcome(DemoStats stats, DemoSummary summary, List<Phase> phases, long startMs, String outageProvider,
                          String stormProvider, long ledgerSpendMicros, long ledgerBaselineMicros) {}

    private static final String[] MODELS = {"balanced", "balanced", "balanced", "fast-cheap", "fast-cheap", "frontier"};
    private static final String[] PROMPTS = {
            "Summarize the attached incident report in three bullet points.",
            "Translate 'the invoice is overdue' into French and German.",
            "Write a SQL query that returns the ten most active customers last month.",
            "Explain step by step why the sum of two odd numbers is even.",
            "Classify the sentiment of: 'the delivery was late again'.",
            "```java\nint f(int n) { return n < 2 ? n : f(n-1) + f(n-2); }\n```\nWhat is wrong with this for large n?"};

    private final EmbeddedRuntime runtime;
    private final Settings settings;
    private final PrintStream out;
    private final boolean interactive;

    public DemoScenario(EmbeddedRuntime runtime, Settings settings, PrintStream out, boolean interactive) {
        this.runtime = runtime;
        this.settings = settings;
        this.out = out;
        this.interactive = interactive;
    }

    public Outcome run() throws InterruptedException {
        DemoStats stats = new DemoStats();
        Map<String, Integer> routedTo = new ConcurrentHashMap<>();
        List<Phase> phases = new ArrayList<>();
        long d = settings.durationMs();
        long outageFrom = (long) (d * settings.outageFrom());
        long outageTo = (long) (d * settings.outageTo());
        long stormFrom = (long) (d * settings.stormFrom());
        long stormTo = (long) (d * settings.stormTo());
        AtomicReference<String> phase = new AtomicReference<>("steady traffic");
        String outageProvider = null;
        String stormProvider = null;
        boolean outageOver = false;
        boolean stormOver = false;
        List<CompletableFuture<CompletionResult>> futures = new ArrayList<>();
        Random random = new Random(settings.seed());
        ProgressBar bar = new ProgressBar(out, interactive);

        DetourClientConfig clientConfig = DetourClientConfig.of(runtime.bootstrapServers(), runtime.registryUrl())
                .withTopicPrefix(runtime.topics().prefix());
        long startMs;
        try (DetourClient client = DetourClient.create(clientConfig)) {
            startMs = System.currentTimeMillis();
            long startNanos = System.nanoTime();
            long intervalNanos = TimeUnit.SECONDS.toNanos(1) / settings.jobsPerSecond();
            int total = settings.totalJobs();
            long lastDraw = 0;
            for (int i = 0; i < total; i++) {
                long due = startNanos + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                long t = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
                if (outageProvider == null && t >= outageFrom) {
                    outageProvider = busiest(routedTo, null);
                    runtime.simulator().script(outageProvider, EmbeddedRuntime.defaultScript().withDown(true));
                    phase.set("OUTAGE: " + outageProvider + " fully down");
                }
                if (outageProvider != null && !outageOver && t >= outageTo) {
                    outageOver = true;
                    runtime.simulator().script(outageProvider, EmbeddedRuntime.defaultScript());
                    phases.add(new Phase(outageProvider + " down", outageFrom, t, "outage"));
                    phase.set("recovery");
                }
                if (stormProvider == null && t >= stormFrom) {
                    stormProvider = busiest(routedTo, outageProvider);
                    runtime.simulator().script(stormProvider, EmbeddedRuntime.defaultScript().withRateLimit(2, 2));
                    phase.set("429 STORM: " + stormProvider + " rate-limited");
                }
                if (stormProvider != null && !stormOver && t >= stormTo) {
                    stormOver = true;
                    runtime.simulator().script(stormProvider, EmbeddedRuntime.defaultScript());
                    phases.add(new Phase("429 storm on " + stormProvider, stormFrom, t, "storm"));
                    phase.set("recovery");
                }
                CompletionRequest request = request(i, random);
                stats.submitted();
                CompletableFuture<CompletionResult> f = client.submit(request);
                f.thenAccept(r -> {
                    JobSample s = JobSample.of(r);
                    stats.add(s);
                    s.attempts().stream().findFirst().ifPresent(a -> routedTo.merge(a.provider(), 1, Integer::sum));
                });
                futures.add(f);
                if (t - lastDraw >= 250) {
                    bar.draw(stats, total, t / 1000, phase.get());
                    lastDraw = t;
                }
            }
            long deadline = System.currentTimeMillis() + settings.deadlineMs() + 30_000;
            while (stats.finishedCount() < total && System.currentTimeMillis() < deadline) {
                bar.draw(stats, total, (System.currentTimeMillis() - startMs) / 1000, "waiting for the last results");
                TimeUnit.MILLISECONDS.sleep(250);
            }
            bar.draw(stats, total, (System.currentTimeMillis() - startMs) / 1000, "done");
            bar.finish();
        }
        long[] ledger = ledgerTotals(stats);
        DemoSummary summary = DemoSummary.of(stats, ledger[0], ledger[1], System.currentTimeMillis() - startMs);
        phases.sort(Comparator.comparingLong(Phase::fromMs));
        return new Outcome(stats, summary, phases, startMs, outageProvider, stormProvider, ledger[0], ledger[1]);
    }

    /** Waits (bounded) until the ledger has counted what the results say was spent, then reads its totals. */
    private long[] ledgerTotals(DemoStats stats) throws InterruptedException {
        LedgerClient ledger = new LedgerClient(runtime.ledger().httpUrl());
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        long expected = stats.totalCostMicros();
        long until = System.currentTimeMillis() + 30_000;
        SavingsReport report = null;
        while (System.currentTimeMillis() < until) {
            try {
                report = ledger.savings(settings.tenant(), today.minusDays(1), today.plusDays(1));
                if (report.total().costMicros() >= expected) {
                    break;
                }
            } catch (RuntimeException e) {
                // the ledger may still be restoring; try again
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        return report == null ? new long[] {-1, -1} : new long[] {report.total().costMicros(), report.total().baselineMicros()};
    }

    private CompletionRequest request(int i, Random random) {
        long now = System.currentTimeMillis();
        String prompt = PROMPTS[random.nextInt(PROMPTS.length)];
        return CompletionRequest.newBuilder()
                .setJobId(String.format("demo-%d-%05d", settings.seed(), i) + "-" + Long.toHexString(now))
                .setTenant(settings.tenant())
                .setModel(MODELS[random.nextInt(MODELS.length)])
                .setMessages(List.of(ChatMessage.newBuilder().setRole("user").setContent(prompt).build()))
                .setParams(CompletionParams.newBuilder().setMaxTokens(200).setTemperature(0.0).build())
                .setDeadlineMs(now + settings.deadlineMs())
                .setSubmittedAtMs(now)
                .setMetadata(new HashMap<>(Map.of("scenario", "demo")))
                .build();
    }

    private static String busiest(Map<String, Integer> routedTo, String except) {
        return routedTo.entrySet().stream()
                .filter(e -> !e.getKey().equals(except))
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse(except == null ? "openai" : "anthropic");
    }

}
