package dev.detour.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.detour.core.catalog.BaseUrlPolicy;
import dev.detour.providers.ProviderReply.Completion;
import dev.detour.providers.ProviderReply.Failure;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.providers.simulator.ProviderSimulator;
import dev.detour.providers.simulator.SimulatorConfig;
import dev.detour.schema.ApiFamily;
import dev.detour.schema.ErrorClass;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Base URL host names are resolved when the adapter is made and again right before every request, so a
 * name that answers with a link-local or metadata address never gets a request (and never a key), also
 * when it starts doing so after validation (DNS rebinding). Names are mapped by a test resolver.
 */
class UpstreamAddressTest {
    private static final String KEY = "sk-upstream-guard-test-key";

    @Test
    void aProviderWhoseHostResolvesToTheMetadataAddressGetsNoAdapter() {
        BaseUrlPolicy.HostResolver imds = host -> new InetAddress[]{InetAddress.getByName("169.254.169.254")};
        try (HttpClient http = ProviderAdapters.defaultHttpClient()) {
            assertThatThrownBy(() -> ProviderAdapters.create(TestProviders.spec("evil", ApiFamily.OPENAI, "https://models.attacker.example/v1"),
                    ApiKeySource.literal(KEY), http, Clock.systemUTC(), false, imds))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("provider evil")
                    .hasMessageContaining("169.254.169.254")
                    .hasMessageNotContaining(KEY);
        }
    }

    @Test
    void aHostThatRebindsToALinkLocalAddressAfterValidationGetsNoRequest() throws Exception {
        AtomicBoolean rebound = new AtomicBoolean(false);
        BaseUrlPolicy.HostResolver dns = host -> {
            if (!host.equals("localhost")) {
                throw new UnknownHostException(host);
            }
            return rebound.get() ? new InetAddress[]{InetAddress.getByName("fe80::1"), InetAddress.getByName("127.0.0.1")}
                    : InetAddress.getAllByName("localhost");
        };
        try (ProviderSimulator sim = ProviderSimulator.start(SimulatorConfig.defaults());
             HttpClient http = ProviderAdapters.defaultHttpClient()) {
            sim.script("rebinding", ProviderScript.healthy().withExpectedKey(KEY));
            String baseUrl = sim.baseUrlFor("rebinding", ApiFamily.OPENAI).replace("127.0.0.1", "localhost");
            assertThat(baseUrl).contains("://localhost:");
            ProviderAdapter adapter = ProviderAdapters.create(TestProviders.spec("rebinding", ApiFamily.OPENAI, baseUrl),
                    ApiKeySource.literal(KEY), http, Clock.systemUTC(), false, dns);

            assertThat(adapter.complete(TestProviders.request("gpt-4.1", "before")).join()).isInstanceOf(Completion.class);
            assertThat(sim.stats("rebinding").requests()).isEqualTo(1);

            rebound.set(true);
            ProviderReply refused = adapter.complete(TestProviders.request("gpt-4.1", "after")).join();
            assertThat(refused).isInstanceOfSatisfying(Failure.class, f -> {
                assertThat(f.errorClass()).isEqualTo(ErrorClass.CONNECTION); // fails over like an unreachable host
                assertThat(f.message()).contains("link-local").contains("fe80").doesNotContain(KEY);
            });
            assertThat(sim.stats("rebinding").requests()).as("no request reached the host").isEqualTo(1);

            rebound.set(false);
            assertThat(adapter.complete(TestProviders.request("gpt-4.1", "again")).join()).isInstanceOf(Completion.class);
        }
    }

    @Test
    void allowingPrivateBaseUrlsSkipsTheCheck() throws Exception {
        BaseUrlPolicy.HostResolver never = host -> {
            throw new AssertionError("resolved " + host);
        };
        try (ProviderSimulator sim = ProviderSimulator.start(SimulatorConfig.defaults());
             HttpClient http = ProviderAdapters.defaultHttpClient()) {
            sim.script("private", ProviderScript.healthy());
            ProviderAdapter adapter = ProviderAdapters.create(TestProviders.spec("private", ApiFamily.OPENAI,
                    sim.baseUrlFor("private", ApiFamily.OPENAI).replace("127.0.0.1", "localhost")), ApiKeySource.literal(KEY), http,
                    Clock.systemUTC(), true, never);
            assertThat(adapter.complete(TestProviders.request("gpt-4.1", "hi")).join()).isInstanceOf(Completion.class);
        }
    }
}
