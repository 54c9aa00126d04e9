package dev.detour.ledger.budget;

import dev.detour.ledger.BudgetStatus;
import dev.detour.schema.BudgetLevel;

import java.time.LocalDate;

/**
 * Decides a tenant's budget level: WARNING from 80% of a limit, EXHAUSTED from 100%. With both a daily and a
 * monthly limit the worse level wins (the daily one on a tie, since it recovers first and is the one to watch).
 */
public final class BudgetRule {

    private BudgetRule() {
    }

    public static BudgetLevel level(long spentMicros, long limitMicros) {
        if (spentMicros >= limitMicros) {
            return BudgetLevel.EXHAUSTED;
        }
        // spent >= 4/5 limit, exactly, without overflow: limit - floor(limit/5) == ceil(4*limit/5).
        if (spentMicros >= limitMicros - limitMicros / 5) {
            return BudgetLevel.WARNING;
        }
        return BudgetLevel.OK;
    }

    public static BudgetStatus evaluate(String tenant, BudgetLimits limits, LocalDate today, long spentToday,
                                        long spentThisMonth, long nowMs) {
        String dayPeriod = "day:" + today;
        String monthPeriod = "month:" + today.toString().substring(0, 7);
        BudgetStatus daily = limits.dailyMicros() == null ? null
                : new BudgetStatus(tenant, level(spentToday, limits.dailyMicros()).name(), dayPeriod, spentToday,
                limits.dailyMicros(), nowMs);
        BudgetStatus monthly = limits.monthlyMicros() == null ? null
                : new BudgetStatus(tenant, level(spentThisMonth, limits.monthlyMicros()).name(), monthPeriod,
                spentThisMonth, limits.monthlyMicros(), nowMs);
        if (daily == null && monthly == null) {
            return new BudgetStatus(tenant, BudgetLevel.OK.name(), dayPeriod, spentToday, null, nowMs);
        }
        if (daily == null) return monthly;
        if (monthly == null) return daily;
        return BudgetLevel.valueOf(monthly.level()).ordinal() > BudgetLevel.valueOf(daily.level()).ordinal() ? monthly : daily;
    }
}
