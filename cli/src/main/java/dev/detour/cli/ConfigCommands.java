package dev.detour.cli;

import dev.detour.cli.config.DetourConfig;
import dev.detour.cli.security.ComponentAccess;
import dev.detour.core.config.ConfigPublisher;
import dev.detour.gateway.ApiKeys;
import dev.detour.schema.BudgetAction;
import dev.detour.schema.CacheMode;
import dev.detour.schema.Strategy;
import dev.detour.schema.TenantPolicy;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Tenant policies and gateway keys on the config topic; running components pick them up without a restart. */
final class ConfigCommands {
    private ConfigCommands() {}

    /** Checks that this principal may write the config topic, so a missing ACL is one line, not a producer timeout. */
    static ConfigPublisher publisher(String command, DetourConfig c) {
        ConnectionOptions.checkReachable(c);
        ComponentCommands.provision(c);
        ComponentCommands.checkAccess(c, ComponentAccess.configPublisher(command, c.topics()));
        return new ConfigPublisher(c.bootstrapServers(), c.registryUrl(), c.topics(), c.kafkaClientProperties());
    }

    @Command(name = "tenant", description = "Set a tenant's routing and spending policy.")
    static final class TenantCmd implements Callable<Integer> {
        @Mixin ConnectionOptions connection;
        @Parameters(index = "0", paramLabel = "TENANT") String tenant;
        @Option(names = "--strategy", description = "cost | latency | balanced (default: ${DEFAULT-VALUE}).", defaultValue = "balanced") String strategy;
        @Option(names = "--allow-cheaper-tier", description = "Simple work may go to a cheaper tier.") boolean cheaperTier;
        @Option(names = "--daily-budget", description = "Daily budget in USD.") Double dailyUsd;
        @Option(names = "--monthly-budget", description = "Monthly budget in USD.") Double monthlyUsd;
        @Option(names = "--on-budget-exhausted", description = "refuse | downgrade (default: ${DEFAULT-VALUE}).", defaultValue = "refuse") String onExhausted;
        @Option(names = "--cache", description = "off | fallback | prefer (default: ${DEFAULT-VALUE}).", defaultValue = "off") String cache;
        @Option(names = "--max-attempts", defaultValue = "6") int maxAttempts;

        @Override
        public Integer call() {
            TenantPolicy policy;
            try {
                policy = TenantPolicy.newBuilder()
                        .setTenant(tenant)
                        .setStrategy(Strategy.valueOf(strategy.toUpperCase()))
                        .setAllowCheaperTier(cheaperTier)
                        .setDailyBudgetMicros(dailyUsd == null ? null : Math.round(dailyUsd * 1_000_000))
                        .setMonthlyBudgetMicros(monthlyUsd == null ? null : Math.round(monthlyUsd * 1_000_000))
                        .setOnBudgetExhausted(BudgetAction.valueOf(onExhausted.toUpperCase()))
                        .setCache(CacheMode.valueOf(cache.toUpperCase()))
                        .setMaxAttempts(maxAttempts)
                        .build();
            } catch (IllegalArgumentException e) {
                throw new UserError("bad value: " + e.getMessage());
            }
            try (ConfigPublisher p = publisher("tenant", connection.config())) {
                p.publishTenant(policy);
            }
            System.err.println("tenant " + tenant + " updated");
            return 0;
        }
    }

    @Command(name = "keys", description = "Create or revoke gateway API keys (stored on the config topic as hashes only).",
            subcommands = {KeysCmd.Create.class, KeysCmd.Revoke.class})
    static final class KeysCmd {
        @Command(name = "create", description = "Create a key for a tenant; prints the key once.")
        static final class Create implements Callable<Integer> {
            @Mixin ConnectionOptions connection;
            @Option(names = {"-t", "--tenant"}, required = true) String tenant;
            @Option(names = "--models", split = ",", description = "Models or groups the key may use (default: all).") List<String> models = List.of();

            @Override
            public Integer call() {
                String key = ApiKeys.generate();
                String hash = ApiKeys.hash(key);
                try (ConfigPublisher p = publisher("keys", connection.config())) {
                    p.publish(ApiKeys.configKey(hash), ApiKeys.grant(hash, tenant, models));
                }
                System.out.println(key);
                System.err.println("key for tenant " + tenant + " created (only its hash is stored; keep the key safe)");
                return 0;
            }
        }

        @Command(name = "revoke", description = "Revoke a key (takes effect without a restart).")
        static final class Revoke implements Callable<Integer> {
            @Mixin ConnectionOptions connection;
            @Parameters(index = "0", paramLabel = "KEY") String key;
            @Option(names = {"-t", "--tenant"}, required = true) String tenant;

            @Override
            public Integer call() {
                String hash = ApiKeys.hash(key);
                try (ConfigPublisher p = publisher("keys", connection.config())) {
                    p.publish(ApiKeys.configKey(hash), ApiKeys.revoke(hash, tenant));
                }
                System.err.println("key revoked");
                return 0;
            }
        }
    }
}
