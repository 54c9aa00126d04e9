package dev.detour.ledger;

import java.util.Arrays;
import java.util.List;

/**
 * A usage record the ledger refused (and dead-lettered with its original bytes). Identified by where it was
 * read, so each delivery is listed once however often it is re-processed.
 */
public record Problem(String id, String kind, String message, String attemptId, String jobId, String tenant,
                      String sourceTopic, Integer sourcePartition, Long sourceOffset, long seenAtMs) {

    public static final List<String> COLUMNS = List.of("id", "kind", "message", "attemptId", "jobId", "tenant",
            "sourceTopic", "sourcePartition", "sourceOffset", "seenAtMs");

    List<Object> cells() {
        return Arrays.asList(id, kind, message, attemptId, jobId, tenant, sourceTopic,
                sourcePartition == null ? null : sourcePartition.longValue(), sourceOffset, seenAtMs);
    }
}
