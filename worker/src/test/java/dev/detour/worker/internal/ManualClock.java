package dev.detour.worker.internal;

import java.util.concurrent.atomic.AtomicLong;

/** A clock that only moves when told to, or when a caller sleeps. */
final class ManualClock implements WorkerClock {
    private final AtomicLong now;

    ManualClock(long startMs) {
        now = new AtomicLong(startMs);
    }

    @Override
    public long nowMs() {
        return now.get();
    }

    @Override
    public void sleep(long ms) {
        if (ms > 0) {
            now.addAndGet(ms);
        }
    }

    void advance(long ms) {
        now.addAndGet(ms);
    }
}
