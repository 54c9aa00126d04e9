package dev.detour.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void fromEnvironment() {
        GatewayConfig c = GatewayConfig.fromEnv(Map.of(
                "DETOUR_KAFKA_BOOTSTRAP_SERVERS", "k1:9092",
                "DETOUR_REGISTRY_URL", "http://registry:8081",
                "DETOUR_TOPICS_PREFIX", "prod.",
                "DETOUR_GATEWAY_PORT", "9999",
                "DETOUR_GATEWAY_KEY_FILE", "/etc/detour/keys",
                "DETOUR_GATEWAY_TIMEOUT_MS", "1500",
                "DETOUR_WEBHOOK_SECRET_MAIN", "s1",
                "DETOUR_WEBHOOK_SECRET_DEFAULT", "s2"));
        assertThat(c.pipeline().bootstrapServers()).isEqualTo("k1:9092");
        assertThat(c.pipeline().registryUrl()).isEqualTo("http://registry:8081");
        assertThat(c.pipeline().topicPrefix()).isEqualTo("prod.");
        assertThat(c.port()).isEqualTo(9999);
        assertThat(c.keyFile()).isEqualTo(Path.of("/etc/detour/keys"));
        assertThat(c.defaultTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.webhooks().secrets()).containsOnlyKeys("main", "default");
        assertThat(c.webhooks().defaultSecret()).isEqualTo("default");
        assertThat(c.webhooks().toString()).doesNotContain("s1", "s2");
        assertThat(c.webhooks().allowPrivateTargets()).isFalse();
    }

    @Test
    void defaults() {
        GatewayConfig c = GatewayConfig.fromEnv(Map.of());
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.pipeline().topicPrefix()).isEqualTo("detour.");
        assertThat(c.keyFile()).isNull();
        assertThat(c.readConfigTopic()).isTrue();
        assertThat(c.maxBodyBytes()).isEqualTo(1 << 20);
    }
}
