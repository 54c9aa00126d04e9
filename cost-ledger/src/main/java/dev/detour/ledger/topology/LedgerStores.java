package dev.detour.ledger.topology;

/** Names of the ledger's state stores (also the names interactive queries use). */
public final class LedgerStores {

    private LedgerStores() {
    }

    /** Global copy of detour.config: "catalog", "tenant/<id>", ... -> ConfigRecord. */
    public static final String CONFIG = "ledger-config";
    /** attemptId -> first-seen record time (ms); partitioned by jobId. */
    public static final String DEDUP = "ledger-dedup";
    /** jobId -> JobReport. */
    public static final String JOBS = "ledger-jobs";
    /** tenant|day|provider|model -> SpendTotals; partitioned by tenant. */
    public static final String SPEND = "ledger-spend";
    /** tenant|day -> SpendTotals; partitioned by tenant. */
    public static final String TENANT_DAY = "ledger-tenant-day";
    /** tenant -> BudgetStatus last evaluated. */
    public static final String BUDGETS = "ledger-budgets";
    /** problem id -> Problem. */
    public static final String PROBLEMS = "ledger-problems";
}
