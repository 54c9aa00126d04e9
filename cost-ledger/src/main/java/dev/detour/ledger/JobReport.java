package dev.detour.ledger;

import dev.detour.ledger.spend.PricedAttempt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Every counted attempt of a job, with tokens, unit prices and cost, and the job's totals. */
public record JobReport(String jobId, String tenant, List<PricedAttempt> attempts, long costMicros, long baselineMicros)
        implements Tabular {

    public static JobReport of(String jobId, List<PricedAttempt> attempts) {
        List<PricedAttempt> sorted = attempts.stream()
                .sorted(Comparator.comparingLong(PricedAttempt::billedAtMs).thenComparing(PricedAttempt::attemptId))
                .toList();
        long cost = 0;
        long baseline = 0;
        for (PricedAttempt a : sorted) {
            cost = Math.addExact(cost, a.costMicros());
            baseline = Math.addExact(baseline, a.baselineMicros());
        }
        String tenant = sorted.isEmpty() ? null : sorted.get(0).tenant();
        return new JobReport(jobId, tenant, sorted, cost, baseline);
    }

    public JobReport with(PricedAttempt attempt) {
        List<PricedAttempt> all = new ArrayList<>(attempts);
        all.add(attempt);
        return of(jobId, all);
    }

    @Override
    public List<String> tableColumns() {
        return List.of("jobId", "attemptId", "day", "provider", "deploymentId", "model", "requestedModel", "cached",
                "inputTokens", "outputTokens", "cachedReadTokens", "cacheWriteTokens", "reasoningTokens",
                "inputPerMillionMicros", "outputPerMillionMicros", "cachedReadPerMillionMicros", "cacheWritePerMillionMicros",
                "costMicros", "workerCostMicros", "baselineMicros");
    }

    @Override
    public List<List<Object>> tableRows() {
        List<List<Object>> out = new ArrayList<>();
        for (PricedAttempt a : attempts) {
            out.add(Arrays.asList(jobId, a.attemptId(), a.day(), a.provider(), a.deploymentId(), a.model(), a.requestedModel(),
                    a.servedFromCache(), a.tokens().input(), a.tokens().output(), a.tokens().cachedRead(),
                    a.tokens().cacheWrite(), a.tokens().reasoning(), a.prices().inputPerMillionMicros(),
                    a.prices().outputPerMillionMicros(), a.prices().cachedReadPerMillionMicros(),
                    a.prices().cacheWritePerMillionMicros(), a.costMicros(), a.workerCostMicros(), a.baselineMicros()));
        }
        return out;
    }
}
