package dev.detour.router.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bumped by the global-store updaters whenever health, config or budgets change, so the parking
 * punctuator knows when parked jobs deserve another look without polling the stores.
 * One per topology instance (shared by its global thread and stream threads).
 */
public final class GlobalStateVersion {
    private final AtomicLong version = new AtomicLong();

    void bump() {
        version.incrementAndGet();
    }

    long current() {
        return version.get();
    }
}
