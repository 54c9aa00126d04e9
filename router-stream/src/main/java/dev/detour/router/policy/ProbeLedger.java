package dev.detour.router.policy;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Half-open probes this router instance has sent, per deployment and half-open episode.
 * Shared by the instance's stream threads. A probe frees its slot after the probe timeout, so a
 * lost call cannot keep a deployment out of rotation.
 */
public final class ProbeLedger {
    private record Key(String deploymentId, long epoch) {}

    private final long probeTimeoutMs;
    private final ConcurrentHashMap<Key, Deque<Long>> sent = new ConcurrentHashMap<>();

    public ProbeLedger(long probeTimeoutMs) {
        this.probeTimeoutMs = probeTimeoutMs;
    }

    public boolean available(String deploymentId, long epoch, int permitted, long nowMs) {
        Deque<Long> times = sent.get(new Key(deploymentId, epoch));
        if (times == null) {
            return permitted > 0;
        }
        synchronized (times) {
            times.removeIf(t -> nowMs - t >= probeTimeoutMs);
            return times.size() < permitted;
        }
    }

    public void acquire(String deploymentId, long epoch, long nowMs) {
        // Episodes of the same deployment replace each other; drop the old ones.
        sent.keySet().removeIf(k -> k.deploymentId().equals(deploymentId) && k.epoch() != epoch);
        Deque<Long> times = sent.computeIfAbsent(new Key(deploymentId, epoch), k -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(nowMs);
        }
    }
}
