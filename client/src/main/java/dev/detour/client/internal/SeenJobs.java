package dev.detour.client.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** The most recent job ids already delivered, bounded so a long-running client does not grow without limit. */
final class SeenJobs {
    private final Map<String, Boolean> ids;

    SeenJobs(int capacity) {
        this.ids = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True the first time an id is seen. */
    synchronized boolean add(String jobId) {
        return ids.putIfAbsent(jobId, Boolean.TRUE) == null;
    }
}
