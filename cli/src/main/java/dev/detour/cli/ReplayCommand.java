package dev.detour.cli;

import dev.detour.cli.config.DetourConfig;
import dev.detour.client.DeadLetterReplay;
import dev.detour.client.DetourClientConfig;
import dev.detour.client.ReplayFilter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Resubmits failed jobs from the dead-letter topic, filtered, rate limited and idempotent. */
@Command(name = "replay", description = "Replay failed jobs from the dead-letter topic (idempotent).")
final class ReplayCommand implements Callable<Integer> {
    @Mixin ConnectionOptions connection;

    @Option(names = {"-t", "--tenant"}) String tenant;
    @Option(names = "--reason", description = "deadline, max_attempts, non_retryable, no_route, budget, quality, ...") String reason;
    @Option(names = "--provider") String provider;
    @Option(names = "--from", description = "Failed at or after (ISO instant or YYYY-MM-DD, UTC).") String from;
    @Option(names = "--to", description = "Failed before (ISO instant or YYYY-MM-DD, UTC).") String to;
    @Option(names = "--dry-run", description = "List what would be replayed; publish nothing.") boolean dryRun;
    @Option(names = "--rate", description = "Jobs per second at most (default: ${DEFAULT-VALUE}; 0 = no limit).", defaultValue = "50") double rate;
    @Option(names = "--deadline", description = "Seconds of deadline for each replayed job (default: ${DEFAULT-VALUE}).", defaultValue = "300") long deadlineSeconds;

    @Override
    public Integer call() throws Exception {
        DetourConfig config = connection.config();
        ConnectionOptions.checkReachable(config);
        DetourClientConfig clientConfig = new DetourClientConfig(config.bootstrapServers(), config.registryUrl(),
                config.topics().prefix(), config.kafkaClientProperties());
        ReplayFilter filter = new ReplayFilter(tenant, reason, provider, instant(from, "--from"), instant(to, "--to"));
        List<DeadLetterReplay.Replayed> replayed = new DeadLetterReplay(clientConfig)
                .replay(filter, dryRun, rate, Duration.ofSeconds(deadlineSeconds));
        for (var r : replayed) {
            System.out.printf("%s %-36s -> %s  (%s, tenant %s, failed %s)%n", dryRun ? "would replay" : "replayed",
                    r.originalJobId(), r.newJobId(), r.reason().toLowerCase(), r.tenant(), Instant.ofEpochMilli(r.failedAtMs()));
        }
        System.err.printf("%d job(s) %s%n", replayed.size(), dryRun ? "would be replayed" : "replayed");
        return 0;
    }

    static Instant instant(String text, String flag) {
        if (text == null) {
            return null;
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new UserError(flag + " must be an ISO instant (2026-11-25T10:00:00Z) or a date (2026-11-25), got '" + text + "'");
        }
    }
}
