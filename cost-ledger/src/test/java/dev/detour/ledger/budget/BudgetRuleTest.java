package dev.detour.ledger.budget;

import dev.detour.ledger.BudgetStatus;
import dev.detour.schema.BudgetLevel;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class BudgetRuleTest {

    @Test
    void warningFromEightyPercentExhaustedFromAHundredExactly() {
        assertThat(BudgetRule.level(799_999, 1_000_000)).isEqualTo(BudgetLevel.OK);
        assertThat(BudgetRule.level(800_000, 1_000_000)).isEqualTo(BudgetLevel.WARNING);
        assertThat(BudgetRule.level(999_999, 1_000_000)).isEqualTo(BudgetLevel.WARNING);
        assertThat(BudgetRule.level(1_000_000, 1_000_000)).isEqualTo(BudgetLevel.EXHAUSTED);
        // 80% of 7 is 5.6: 5 is OK, 6 is WARNING.
        assertThat(BudgetRule.level(5, 7)).isEqualTo(BudgetLevel.OK);
        assertThat(BudgetRule.level(6, 7)).isEqualTo(BudgetLevel.WARNING);
        assertThat(BudgetRule.level(0, 0)).isEqualTo(BudgetLevel.EXHAUSTED);
        assertThat(BudgetRule.level(Long.MAX_VALUE - 1, Long.MAX_VALUE)).isEqualTo(BudgetLevel.WARNING);
    }

    @Test
    void theWorseOfDailyAndMonthlyDecides() {
        LocalDate today = LocalDate.parse("2026-11-25");
        BudgetStatus s = BudgetRule.evaluate("t", new BudgetLimits(100L, 1_000L), today, 10, 950, 1L);
        assertThat(s.level()).isEqualTo("WARNING");
        assertThat(s.period()).isEqualTo("month:2026-11");
        BudgetStatus d = BudgetRule.evaluate("t", new BudgetLimits(100L, 1_000L), today, 100, 950, 1L);
        assertThat(d.level()).isEqualTo("EXHAUSTED");
        assertThat(d.period()).isEqualTo("day:2026-11-25");
        BudgetStatus none = BudgetRule.evaluate("t", BudgetLimits.NONE, today, 100, 950, 1L);
        assertThat(none.level()).isEqualTo("OK");
        assertThat(none.limitMicros()).isNull();
    }
}
