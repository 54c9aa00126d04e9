package dev.detour.worker.internal;

/** Time as the call logic sees it; tests substitute a manual clock. */
public interface WorkerClock {
    long nowMs();

    /** Blocks the calling (virtual) thread. */
    void sleep(long ms) throws InterruptedException;

    WorkerClock SYSTEM = new WorkerClock() {
        @Override
        public long nowMs() {
            return System.currentTimeMillis();
        }

        @Override
        public void sleep(long ms) throws InterruptedException {
            if (ms > 0) {
                Thread.sleep(ms);
            }
        }
    };
}
