package dev.detour.ledger.topology;

import dev.detour.ledger.BudgetStatus;
import dev.detour.ledger.JobReport;
import dev.detour.ledger.Problem;
import dev.detour.ledger.SavingsReport;
import dev.detour.ledger.SpendQuery;
import dev.detour.ledger.SpendReport;
import dev.detour.ledger.SpendRow;
import dev.detour.ledger.spend.CostFormula;
import dev.detour.schema.BudgetLevel;
import dev.detour.schema.BudgetState;
import dev.detour.schema.DeadLetter;
import dev.detour.schema.FailureReason;
import dev.detour.schema.TokenUsage;
import dev.detour.schema.UsageRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static dev.detour.ledger.Fixtures.DAY1;
import static dev.detour.ledger.Fixtures.catalog;
import static dev.detour.ledger.Fixtures.catalogRecord;
import static dev.detour.ledger.Fixtures.prices;
import static dev.detour.ledger.Fixtures.tenantRecord;
import static dev.detour.ledger.Fixtures.usage;
import static org.assertj.core.api.Assertions.assertThat;

class LedgerTopologyTest {

    private static final long DAY_MS = Duration.ofDays(1).toMillis();
    private static final LocalDate FROM = LocalDate.parse("2026-11-01");
    private static final LocalDate TO = LocalDate.parse("2026-11-30");

    private static SpendQuery query(String tenant, SpendQuery.Dimension... dims) {
        return new SpendQuery(tenant, FROM, TO, dims.length == 0 ? Set.of() : Set.of(dims));
    }

    /** A deterministic mix of attempts over three providers, two tenants and several days. */
    private static List<UsageRecord> traffic(int n, long seed) {
        Random r = new Random(seed);
        String[][] deployments = {{"openai", "gpt-4o"}, {"anthropic", "claude-sonnet"}, {"deepseek", "deepseek-chat"}};
        List<UsageRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String[] d = deployments[r.nextInt(3)];
            out.add(usage("a-" + i, "job-" + (i / 2), i % 3 == 0 ? "beta" : "acme", d[0], d[1], "smart",
                    r.nextInt(5_000), r.nextInt(2_000), DAY1 + r.nextInt(5) * DAY_MS + r.nextInt(1_000_000)));
        }
        return out;
    }

    @Test
    void totalsEqualTheSumOfDistinctAttemptsWhenDuplicatesArriveDaysLater() {
        List<UsageRecord> attempts = traffic(200, 7);
        try (LedgerDriver ledger = new LedgerDriver(Instant.ofEpochMilli(DAY1))) {
            ledger.config.pipeInput("catalog", catalogRecord(catalog()), DAY1);
            for (UsageRecord u : attempts) ledger.usage(u);
            // Every third attempt re-delivered 20 days later (record time), and one three times.
            for (int i = 0; i < attempts.size(); i += 3) ledger.usage(attempts.get(i), DAY1 + 20 * DAY_MS + i);
            ledger.usage(attempts.get(5), DAY1 + 25 * DAY_MS);
            ledger.usage(attempts.get(5), DAY1 + 26 * DAY_MS);

            for (String tenant : List.of("acme", "beta")) {
                long expectedCost = 0;
                long expectedIn = 0;
                long expectedCount = 0;
                for (UsageRecord u : attempts) {
                    if (!u.getTenant().equals(tenant)) continue;
                    expectedCount++;
                    expectedIn += u.getUsage().getInputTokens();
                    expectedCost += CostFormula.LIST_PRICE.cost(u.getUsage(), priceOf(u.getModel()));
                }
                SpendRow total = ledger.queries.spend(query(tenant)).total();
                assertThat(total.attempts()).isEqualTo(expectedCount);
                assertThat(total.inputTokens()).isEqualTo(expectedIn);
                assertThat(total.costMicros()).isEqualTo(expectedCost);
                // The finest grouping sums to the same total.
                SpendReport fine = ledger.queries.spend(query(tenant, SpendQuery.Dimension.values()));
                assertThat(fine.rows().stream().mapToLong(SpendRow::costMicros).sum()).isEqualTo(expectedCost);
                assertThat(fine.rows().stream().mapToLong(SpendRow::attempts).sum()).isEqualTo(expectedCount);
            }
            assertThat(ledger.deadLetters.isEmpty()).isTrue();

            // All tenants together, and grouped by tenant, add up to the same.
            SpendRow all = ledger.queries.spend(SpendQuery.allTenants(FROM, TO, Set.of())).total();
            assertThat(all.attempts()).isEqualTo(attempts.size());
            assertThat(all.tenant()).isNull();
            SpendReport byTenant = ledger.queries.spend(SpendQuery.allTenants(FROM, TO, Set.of(SpendQuery.Dimension.TENANT)));
            assertThat(byTenant.rows()).extracting(SpendRow::tenant).containsExactly("acme", "beta");
            assertThat(byTenant.rows().get(0).costMicros()).isEqualTo(ledger.queries.spend(query("acme")).total().costMicros());
            assertThat(byTenant.total().costMicros()).isEqualTo(all.costMicros());
        }
    }

    @Test
    void anAttemptIdIsForgottenOnlyAfterTheUsageTopicRetention() {
        UsageRecord u = usage("a-1", "job-1", "acme", "openai", "gpt-4o", "gpt-4o", 1_000, 1_000, DAY1);
        try (LedgerDriver ledger = new LedgerDriver(Instant.ofEpochMilli(DAY1))) {
            ledger.config.pipeInput("catalog", catalogRecord(catalog()), DAY1);
            ledger.usage(u, DAY1);
            ledger.usage(u, DAY1 + 29 * DAY_MS);
            assertThat(ledger.queries.spend(query("acme")).total().attempts()).isEqualTo(1);
            // Stream time moves past 30 days of retention: the id is purged, as the topic would have dropped it.
            ledger.usage(usage("a-2", "job-2", "acme", "openai", "gpt-4o", "gpt-4o", 1, 1, DAY1), DAY1 + 31 * DAY_MS);
            assertThat(ledger.driver.getKeyValueStore(LedgerStores.DEDUP).get("a-1")).isNull();
            assertThat(ledger.driver.getKeyValueStore(LedgerStores.DEDUP).get("a-2")).isNotNull();
            assertThat(ledger.queries.job("job-1")).isEmpty();
            // Totals outlive the per-attempt detail.
            assertThat(ledger.queries.spend(query("acme")).total().attempts()).isEqualTo(2);
        }
    }

    private static dev.detour.schema.UnitPrices priceOf(String model) {
        return switch (model) {
            case "gpt-4o" -> prices(2_500_000, 10_000_000);
            case "claude-sonnet" -> prices(3_000_000, 15_000_000);
            default -> prices(270_000, 1_100_000);
        };
    }

    @Test
    void savingsAreTheSameUsageAtTheRequestedModelsMostExpensivePrimaryDeployment() {
        try (LedgerDriver ledger = new LedgerDriver(Instant.ofEpochMilli(DAY1))) {
            ledger.config.pipeInput("catalog", catalogRecord(catalog()), DAY1);
            // Asked for group "smart", ran on deepseek: 1,234,567 in x 0.27 + 345,678 out x 1.10 (per million).
            ledger.usage(usage("a-1", "job-1", "acme", "deepseek", "deepseek-chat", "smart", 1_234_567, 345_678, DAY1));
            // Asked for gpt-4o, ran on gpt-4o: no savings.
            ledger.usage(usage("a-2", "job-2", "acme", "openai", "gpt-4o", "gpt-4o", 1_000, 100, DAY1));
            // Served from the response cache: costs 0, the whole baseline is saved.
            UsageRecord cached = usage("a-3", "job-3", "acme", "openai", "gpt-4o", "smart", 2_000, 1_000, DAY1);
            cached.setServedFromCache(true);
            ledger.usage(cached);

            // a-1: cost = (1,234,567*270,000 + 345,678*1,100,000)/1e6 = 333,333.09 + 380,245.8 = 713,578.89 -> 713,579
            //      baseline at claude-sonnet (the dearer PRIMARY of "smart"): 3,703,701 + 5,185,170 = 8,888,871
            // a-2: cost = baseline = 2,500 + 1,000 = 3,500
            // a-3: cost 0; baseline at claude-sonnet = 6,000 + 15,000 = 21,000
            JobReport job1 = ledger.queries.job("job-1").orElseThrow();
            assertThat(job1.attempts()).singleElement().satisfies(a -> {
                assertThat(a.costMicros()).isEqualTo(713_579);
                assertThat(a.baselineMicros()).isEqualTo(8_888_871);
                assertThat(a.baselineDeploymentId()).isEqualTo("anthropic/claude-sonnet");
                assertThat(a.prices().inputPerMillionMicros()).isEqualTo(270_000);
            });
            SavingsReport savings = ledger.queries.savings("acme", "2026-11-01", "2026-11-30");
            assertThat(savings.days()).singleElement().satisfies(d -> {
                assertThat(d.day()).isEqualTo("2026-11-20");
                assertThat(d.costMicros()).isEqualTo(713_579 + 3_500);
                assertThat(d.baselineMicros()).isEqualTo(8_888_871 + 3_500 + 21_000);
                assertThat(d.savingsMicros()).isEqualTo(8_888_871 - 713_579 + 21_000);
                assertThat(d.cachedAnswers()).isEqualTo(1);
            });
        }
    }

    @Test
    void aCatalogUpdateRepricesFromTheNextRecordOn() {
        try (LedgerDriver ledger = new LedgerDriver(Instant.ofEpochMilli(DAY1))) {
            ledger.config.pipeInput("catalog", catalogRecord(catalog()), DAY1);
            ledger.usage(usage("a-1", "job-1", "acme", "deepseek", "deepseek-chat", "deepseek-chat", 1_000_000, 0, DAY1));
            ledger.config.pipeInput("catalog", catalogRecord(catalog("v2", prices(540_000, 2_200_000))), DAY1 + 1);
            ledger.usage(usage("a-2", "job-1", "acme", "deepseek", "deepseek-chat", "deepseek-chat", 1_000_000, 0, DAY1 + 2));
            JobReport job = ledger.queries.job("job-1").orElseThrow();
            assertThat(job.attempts()).extracting(a -> a.costMicros()).containsExactly(270_000L, 540_000L);
            assertThat(job.attempts()).extracting(a -> a.catalogVersion()).containsExactly("v1", "v2");
            assertThat(job.costMicros()).isEqualTo(810_000);
        }
    }

    @Test
    void workerCostIsKeptButTheLedgerPricesFromItsCatalog() {
        try (LedgerDriver ledger = new LedgerDriver(Instant.ofEpochMilli(DAY1))) {
            ledger.config.pipeInput("catalog", catalogRecord(catalog()), DAY1);
            UsageRecord u = usage("a-1", "job-1", "acme", "openai", "gpt-4o", "gpt-4o", 1_000_000, 0, DAY1);
            u.setCostMicros(1);
            ledger.usage(u);
            SpendRow total = ledger.queries.spend(query("acme")).total();
            assertThat(total.costMicros()).isEqualTo(2_500_000);
            assertThat(total.workerCostMicros()).isEqualTo(1);
        }
    }

    @Test
    void budgetGoesOkWarningExhaustedAndBackToOkOnANewDay() {
        Instant noon = Instant.ofEpochMilli(DAY1);
        try (LedgerDriver ledger = new LedgerDriver(noon)) {
            ledger.config.pipeInput("catalog", catalogRecord(catalog()), DAY1);
            ledger.config.pipeInput("tenant/acme", tenantRecord("acme", 1_000_000L, null), DAY1);
            // gpt-4o input at 2.50 per million: 100,000 input tokens cost 250,000 micros.
            ledger.usage(usage("a-1", "job-1", "acme", "openai", "gpt-4o", "gpt-4o", 100_000, 0, DAY1));
            ledger.usage(usage("a-2", "job-1", "acme", "openai", "gpt-4o", "gpt-4o", 100_000, 0, DAY1 + 1));
            ledger.usage(usage("a-3", "job-1", "acme", "openai", "gpt-4o", "gpt-4o", 100_000, 0, DAY1 + 2));   // 750,000: 75%
            ledger.usage(usage("a-4", "job-2", "acme", "openai", "gpt-4o", "gpt-4o", 20_000, 0, DAY1 + 3));    // 800,000: 80%
            ledger.usage(usage("a-5", "job-2", "acme", "openai", "gpt-4o", "gpt-4o", 79_999, 0, DAY1 + 4));    // +199,997.5 -> 199,998: 999,998
            ledger.usage(usage("a-6", "job-2", "acme", "openai", "gpt-4o", "gpt-4o", 1, 0, DAY1 + 5));         // +2.5 -> 3: 1,000,001
            ledger.usage(usage("a-7", "job-2", "acme", "openai", "gpt-4o", "gpt-4o", 400, 0, DAY1 + 6));       // still exhausted

            List<BudgetState> states = ledger.budgets.readValuesToList();
            assertThat(states).extracting(BudgetState::getLevel)
                    .containsExactly(BudgetLevel.OK, BudgetLevel.WARNING, BudgetLevel.EXHAUSTED);
            assertThat(states.get(1).getSpentMicros()).isEqualTo(800_000);
            assertThat(states.get(2).getSpentMicros()).isEqualTo(1_000_001);
            assertThat(states.get(2).getPeriod()).isEqualTo("day:2026-11-20");
            assertThat(states.get(2).getLimitMicros()).isEqualTo(1_000_000L);

            // Next UTC day: the punctuator lifts the state without any new usage.
            ledger.driver.advanceWallClockTime(Duration.ofDays(1));
            List<BudgetState> next = ledger.budgets.readValuesToList();
            assertThat(next).singleElement().satisfies(s -> {
                assertThat(s.getLevel()).isEqualTo(BudgetLevel.OK);
                assertThat(s.getPeriod()).isEqualTo("day:2026-11-21");
                assertThat(s.getSpentMicros()).isZero();
            });
            BudgetStatus status = ledger.queries.budget("acme").orElseThrow();
            assertThat(status.level()).isEqualTo("OK");
        }
    }

    @Test
    void monthlyBudgetCountsEveryDayOfTheMonth() {
        try (LedgerDriver ledger = new LedgerDriver(Instant.ofEpochMilli(DAY1 + 2 * DAY_MS))) {
            ledger.config.pipeInput("catalog", catalogRecord(catalog()), DAY1);
            ledger.config.pipeInput("tenant/acme", tenantRecord("acme", null, 500_000L), DAY1);
            ledger.usage(usage("a-1", "job-1", "acme", "openai", "gpt-4o", "gpt-4o", 100_000, 0, DAY1));
            ledger.usage(usage("a-2", "job-2", "acme", "openai", "gpt-4o", "gpt-4o", 100_000, 0, DAY1 + DAY_MS));
            assertThat(ledger.budgets.readValuesToList()).extracting(BudgetState::getLevel, BudgetState::getPeriod)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(BudgetLevel.OK, "month:2026-11"),
                            org.assertj.core.groups.Tuple.tuple(BudgetLevel.EXHAUSTED, "month:2026-11"));
        }
    }

    @Test
    void unknownModelNegativeTokensAndBadBytesAreDeadLetteredAndListedNotCounted() {
        try (LedgerDriver ledger = new LedgerDriver(Instant.ofEpochMilli(DAY1))) {
            ledger.config.pipeInput("catalog", catalogRecord(catalog()), DAY1);
            UsageRecord unknown = usage("a-1", "job-1", "acme", "openai", "gpt-9", "smart", 10, 10, DAY1);
            UsageRecord negative = usage("a-2", "job-2", "acme", "openai", "gpt-4o", "smart", 10, 10, DAY1);
            negative.setUsage(TokenUsage.newBuilder().setInputTokens(-5).setOutputTokens(10).build());
            byte[] garbage = "not a usage record".getBytes(StandardCharsets.UTF_8);
            ledger.usage(unknown);
            ledger.usage(negative);
            ledger.usageBytes.pipeInput("a-3".getBytes(StandardCharsets.UTF_8), garbage, DAY1);
            ledger.usage(usage("a-4", "job-4", "acme", "openai", "gpt-4o", "smart", 1_000_000, 0, DAY1));

            List<DeadLetter> letters = ledger.deadLetters.readValuesToList();
            assertThat(letters).hasSize(3);
            assertThat(letters).allSatisfy(l -> assertThat(l.getComponent()).isEqualTo("ledger"));
            DeadLetter bad = letters.stream().filter(l -> l.getReason() == FailureReason.UNDECODABLE).findFirst().orElseThrow();
            assertThat(bytes(bad.getOriginalValue())).isEqualTo(garbage);
            assertThat(bytes(bad.getOriginalKey())).isEqualTo("a-3".getBytes(StandardCharsets.UTF_8));
            DeadLetter unknownLetter = letters.stream().filter(l -> "job-1".equals(l.getJobId())).findFirst().orElseThrow();
            assertThat(unknownLetter.getMessage()).contains("UNKNOWN_MODEL").contains("gpt-9");
            assertThat(bytes(unknownLetter.getOriginalValue())).isEqualTo(LedgerDriver.encode(unknown));
            assertThat(unknownLetter.getSourceTopic()).isEqualTo("detour.usage");
            assertThat(unknownLetter.getSourceOffset()).isEqualTo(0L);

            List<Problem> problems = ledger.queries.problems().problems();
            assertThat(problems).extracting(Problem::kind)
                    .containsExactlyInAnyOrder("UNKNOWN_MODEL", "NEGATIVE_TOKENS", "UNDECODABLE");
            assertThat(problems).extracting(Problem::sourceOffset).containsExactlyInAnyOrder(0L, 1L, 2L);

            // Only the good record is counted; the refused ones are not counted as zero either.
            SpendRow total = ledger.queries.spend(query("acme")).total();
            assertThat(total.attempts()).isEqualTo(1);
            assertThat(total.costMicros()).isEqualTo(2_500_000);
            // A fixed re-publication of a refused attempt id is counted (refusals do not mark the id as seen).
            ledger.usage(usage("a-1", "job-1", "acme", "openai", "gpt-4o", "smart", 1_000_000, 0, DAY1));
            assertThat(ledger.queries.spend(query("acme")).total().attempts()).isEqualTo(2);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void replayingTheUsageTopicIntoAFreshLedgerGivesTheSameTotals() {
        List<UsageRecord> attempts = traffic(150, 11);
        List<SpendReport> reports = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (LedgerDriver ledger = new LedgerDriver(Instant.ofEpochMilli(DAY1))) {
                ledger.config.pipeInput("catalog", catalogRecord(catalog()), DAY1);
                for (UsageRecord u : attempts) ledger.usage(u);
                for (int i = 0; i < attempts.size(); i += 4) ledger.usage(attempts.get(i), DAY1 + 9 * DAY_MS);
                reports.add(ledger.queries.spend(query("acme", SpendQuery.Dimension.values())));
            }
        }
        assertThat(reports.get(1)).isEqualTo(reports.get(0));
        assertThat(reports.get(0).total().attempts()).isEqualTo(attempts.stream().filter(u -> u.getTenant().equals("acme")).count());
    }
}
