package dev.detour.router.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * In-memory index of the parked jobs of one task, by pool and park order; the jobs themselves are in
 * the changelogged store, and the index is rebuilt from it when the task starts.
 */
final class ParkingLot {
    private record Entry(String pool, long giveUpAtMs) {}

    private final Map<String, Entry> jobs = new HashMap<>();
    private final Map<String, LinkedHashSet<String>> pools = new LinkedHashMap<>();

    void park(String jobId, String pool, long giveUpAtMs) {
        remove(jobId);
        jobs.put(jobId, new Entry(pool, giveUpAtMs));
        pools.computeIfAbsent(pool, p -> new LinkedHashSet<>()).add(jobId);
    }

    void remove(String jobId) {
        Entry e = jobs.remove(jobId);
        if (e != null) {
            Set<String> inPool = pools.get(e.pool());
            inPool.remove(jobId);
            if (inPool.isEmpty()) {
                pools.remove(e.pool());
            }
        }
    }

    boolean contains(String jobId) {
        return jobs.containsKey(jobId);
    }

    List<String> expired(long nowMs) {
        List<String> out = new ArrayList<>();
        jobs.forEach((id, e) -> {
            if (e.giveUpAtMs() <= nowMs) {
                out.add(id);
            }
        });
        return out;
    }

    List<String> pools() {
        return List.copyOf(pools.keySet());
    }

    /** Jobs of a pool, oldest first. */
    List<String> jobsIn(String pool) {
        Set<String> inPool = pools.get(pool);
        return inPool == null ? List.of() : List.copyOf(inPool);
    }

    int size() {
        return jobs.size();
    }
}
