package dev.detour.bench.internal;

import dev.detour.providers.simulator.ProviderScript;
import dev.detour.router.policy.ComplexityEstimate;
import dev.detour.router.policy.ScoringConfig;
import dev.detour.schema.CompletionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded trace: jobs of mixed complexity at a fixed rate, and a fault schedule (an outage of one
 * provider, then a 429 storm on another) in times relative to the start of the trace. Every arm of the
 * cost suite replays the same trace against the same schedule.
 *
 * @param jobs the jobs in send order
 * @param ratePerSecond open-loop rate
 * @param faults fault windows, relative to the trace start
 */
public record FaultTrace(List<Job> jobs, int ratePerSecond, List<Fault> faults) {

    /**
     * One job of the trace.
     *
     * @param index position in the trace
     * @param complex whether the router's own complexity estimate puts it at or above the simple threshold
     * @param prompt the user message
     * @param maxTokens the asked maximum output
     */
    public record Job(int index, boolean complex, String prompt, int maxTokens) {
        public CompletionRequest request(String jobId) {
            return Workload.request(jobId, Workload.GROUP, prompt, maxTokens);
        }
    }

    /**
     * A provider behaving badly between {@code fromMs} and {@code toMs} after the trace starts.
     *
     * @param script what the provider does meanwhile (its base script applies outside the window)
     */
    public record Fault(String provider, long fromMs, long toMs, String kind, ProviderScript script) {
        public boolean covers(long elapsedMs) {
            return elapsedMs >= fromMs && elapsedMs < toMs;
        }
    }

    public long durationMs() {
        return jobs.size() * 1000L / ratePerSecond;
    }

    public boolean faulty(String provider, long elapsedMs) {
        return faults.stream().anyMatch(f -> f.provider().equals(provider) && f.covers(elapsedMs));
    }

    /**
     * @param outageProvider fully down (503) from 25% to 50% of the trace
     * @param stormProvider rate limited to 2 requests/s (429 with retry-after) from 60% to 80% of the trace
     * @param base the providers' script outside the fault windows
     */
    public static FaultTrace generate(long seed, int jobs, int ratePerSecond, double complexShare, String outageProvider,
                                      String stormProvider, ProviderScript base) {
        SplittableRandom random = new SplittableRandom(seed);
        double threshold = ScoringConfig.defaults().simpleComplexity();
        List<Job> list = new ArrayList<>(jobs);
        for (int i = 0; i < jobs; i++) {
            boolean wantComplex = random.nextDouble() < complexShare;
            String prompt = wantComplex ? COMPLEX[random.nextInt(COMPLEX.length)] : SIMPLE[random.nextInt(SIMPLE.length)];
            int maxTokens = wantComplex ? 2_048 : 64;
            boolean complex = ComplexityEstimate.of(Workload.request("probe", Workload.GROUP, prompt, maxTokens)).value()
                    >= threshold;
            list.add(new Job(i, complex, prompt, maxTokens));
        }
        long d = jobs * 1000L / ratePerSecond;
        List<Fault> faults = List.of(
                new Fault(outageProvider, d * 25 / 100, d * 50 / 100, "outage (503)", base.withDown(true)),
                new Fault(stormProvider, d * 60 / 100, d * 80 / 100, "429 storm (2 req/s)", base.withRateLimit(2, 2)));
        return new FaultTrace(List.copyOf(list), ratePerSecond, faults);
    }

    /** About 250 tokens of context, as a support ticket or a short document: routine work with a real prompt. */
    private static final String TICKET = ("Customer writes: my order arrived a day late and the box was dented, "
            + "but the contents look fine. I would like to know whether I can still return it next month. ").repeat(6);

    private static final String[] SIMPLE = {
        "Classify the sentiment of this message as positive, neutral or negative.\n" + TICKET,
        "Summarise this message in one sentence.\n" + TICKET,
        "Extract the customer's question from this message.\n" + TICKET,
        "Translate this message to French.\n" + TICKET,
        "Which department should handle this message: billing, shipping or returns?\n" + TICKET,
    };

    private static final String LONG_CONTEXT = ("The service processes events from many tenants; each event carries a "
            + "timestamp, a key and a payload, and late events must be merged in order. ").repeat(20);

    private static final String[] COMPLEX = {
        "Explain why this algorithm is O(n log n) and prove it step by step:\n```\ndef sort(xs):\n    return merge(xs)\n```\n"
                + LONG_CONTEXT,
        "Debug and refactor this class, then analyse the trade-off of each change:\n```java\npublic static int f(int x) { return x; };\n```\n"
                + LONG_CONTEXT,
        "Derive the closed form and calculate the result step by step; reason about edge cases. " + LONG_CONTEXT,
    };
}
