package dev.detour.cli;

import dev.detour.cli.component.Components;
import dev.detour.gateway.Gateway;
import dev.detour.gateway.GatewayConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code detour gateway}: the OpenAI-compatible HTTP endpoint over the pipeline (see docs/gateway.md). */
@Command(name = "gateway", description = "Run the OpenAI-compatible gateway (POST /v1/chat/completions, /v1/models, /v1/jobs).")
final class GatewayCommand implements Callable<Integer> {
    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        var c = connection.config();
        ConnectionOptions.checkReachable(c);
        ComponentCommands.provision(c);
        // The gateway reads its settings from DETOUR_* variables; the YAML file and flags feed the same names.
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("DETOUR_KAFKA_BOOTSTRAP_SERVERS", c.bootstrapServers());
        env.put("DETOUR_REGISTRY_URL", c.registryUrl());
        env.put("DETOUR_TOPICS_PREFIX", c.topics().prefix());
        c.kafkaClientProperties().forEach((k, v) -> env.put("DETOUR_KAFKA_" + k.toUpperCase().replace('.', '_'), v));
        c.subtree("gateway").forEach((k, v) -> env.putIfAbsent("DETOUR_GATEWAY_" + k.toUpperCase().replace('.', '_').replace('-', '_'), v));
        Gateway gateway = Gateway.start(GatewayConfig.fromEnv(env));
        System.err.println("gateway: " + gateway.url() + " (OpenAI base URL: " + gateway.url() + "/v1)");
        return Components.runUntilStopped("gateway", gateway);
    }
}
