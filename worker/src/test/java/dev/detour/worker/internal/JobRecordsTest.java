package dev.detour.worker.internal;

import static dev.detour.worker.Fixtures.usage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.schema.AttemptSummary;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.FailureReason;
import dev.detour.schema.ResultStatus;
import dev.detour.schema.RoutedRequest;
import dev.detour.schema.UnitPrices;
import dev.detour.worker.CostFunction;
import dev.detour.worker.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobRecordsTest {

    @Test
    void tryIdsAreStableAndSuffixedAfterTheFirstCall() {
        assertThat(JobRecords.tryId("job#3", 1)).isEqualTo("job#3");
        assertThat(JobRecords.tryId("job#3", 2)).isEqualTo("job#3.2");
        assertThat(JobRecords.tryId("job#3", 3)).isEqualTo("job#3.3");
    }

    @Test
    void aFailedResultCostsWhatEveryEarlierAttemptBilled() {
        RoutedRequest first = Fixtures.routed("j", 1, null);
        AttemptSummary a1 = JobRecords.summary(first, false, ErrorClass.RATE_LIMITED, 429, "x", 100L, 70, null, 0, 1);
        RoutedRequest second = JobRecords.retry(first, a1);
        second.setAttempt(2);
        second.setAttemptId("j#2");
        AttemptSummary a2 = JobRecords.summary(second, false, ErrorClass.CONTENT_FILTER, 400, "no", null, 30, null, 2, 3);

        var result = JobRecords.failed(second, a2, FailureReason.NON_RETRYABLE, "no", 9);
        assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
        assertThat(result.getCostMicros()).isEqualTo(100);
        assertThat(result.getAttempts()).extracting(AttemptSummary::getAttemptId).containsExactly("j#1", "j#2");
    }

    @Test
    void theRetryRecordKeepsTheJobAndAppendsTheAttempt() {
        RoutedRequest routed = RoutedRequest.newBuilder(Fixtures.routed("j", 1, 99L)).setNotBeforeMs(5L).build();
        AttemptSummary a = JobRecords.summary(routed, false, ErrorClass.OVERLOADED, 529, "busy", 2_000L, 0, null, 0, 1);
        RoutedRequest retry = JobRecords.retry(routed, a);
        assertThat(retry.getRequest()).isEqualTo(routed.getRequest());
        assertThat(retry.getAttemptId()).isEqualTo("j#1");
        assertThat(retry.getTried()).containsExactly(a);
        assertThat(retry.getNotBeforeMs()).isNull();
        assertThat(routed.getTried()).as("input untouched").isEmpty();
    }

    @Test
    void anUndecodableRecordKeepsItsOriginalBytes() {
        byte[] key = "job-x".getBytes(StandardCharsets.UTF_8);
        byte[] value = {0, 1, 2, 3};
        var dl = JobRecords.undecodable("job-x", "acme", "bad", new JobRecords.SourcePosition("t", 1, 2), key, value, 5);
        assertThat(dl.getReason()).isEqualTo(FailureReason.UNDECODABLE);
        assertThat(dl.getOriginalValue().array()).containsExactly(value);
        assertThat(dl.getOriginalKey().array()).containsExactly(key);
        assertThat(JobRecords.undecodableResult("job-x", "bad", 5).getFailureReason()).isEqualTo(FailureReason.UNDECODABLE);
    }

    @Test
    void billedMeansAnyTokens() {
        assertThat(JobRecords.billed(null)).isFalse();
        assertThat(JobRecords.billed(usage(0, 0))).isFalse();
        assertThat(JobRecords.billed(usage(0, 1))).isTrue();
    }

    @Test
    void costIsThePricingOfTheCatalog() {
        UnitPrices prices = UnitPrices.newBuilder().setInputPerMillionMicros(150_000).setOutputPerMillionMicros(600_000)
                .setCachedReadPerMillionMicros(75_000).build();
        // 1,000 in x 0.15 + 500 out x 0.6 = 150 + 300 = 450 micro-dollars
        assertThat(CostFunction.catalogPricing().costMicros(usage(1_000, 500), prices)).isEqualTo(450);
        // 3 in x 0.15 = 0.45 -> 0; 4 in = 0.6 -> 1
        assertThat(CostFunction.catalogPricing().costMicros(usage(3, 0), prices)).isZero();
        assertThat(CostFunction.catalogPricing().costMicros(usage(4, 0), prices)).isEqualTo(1);
        assertThat(JobRecords.totalCost(List.of())).isZero();
    }
}
