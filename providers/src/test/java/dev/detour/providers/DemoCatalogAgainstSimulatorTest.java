package dev.detour.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.core.catalog.CatalogIndex;
import dev.detour.core.catalog.CatalogLoader;
import dev.detour.core.catalog.CatalogOptions;
import dev.detour.core.catalog.Pricing;
import dev.detour.providers.ProviderReply.Completion;
import dev.detour.providers.ProviderReply.Failure;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.providers.simulator.ProviderSimulator;
import dev.detour.providers.simulator.SimulatorConfig;
import dev.detour.schema.Catalog;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.ErrorClass;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's wiring: demo catalog, base URLs pointed at the simulator, one adapter per provider, priced answers. */
class DemoCatalogAgainstSimulatorTest {

    @Test
    void everyDemoDeploymentAnswersAndAnOutageLeavesTheOthersServing() {
        try (ProviderSimulator sim = ProviderSimulator.start(SimulatorConfig.defaults());
             HttpClient http = ProviderAdapters.defaultHttpClient()) {
            Catalog published = CatalogLoader.loadResource(CatalogLoader.DEMO_RESOURCE, CatalogOptions.DEFAULT);
            CatalogIndex index = CatalogIndex.of(CatalogLoader.loadResource(CatalogLoader.DEMO_RESOURCE,
                    CatalogOptions.withOverrides(sim.baseUrlOverrides(published))));
            Map<String, ProviderAdapter> adapters = ProviderAdapters.forCatalog(index.catalog(), p -> ApiKeySource.literal("sim-key"), http);
            assertThat(adapters).hasSize(5);

            for (DeploymentSpec d : index.deployments()) {
                ProviderReply r = adapters.get(d.getProvider()).complete(new ProviderRequest(d.getProviderModel(),
                        TestProviders.request(d.getProviderModel(), "Summarize Kafka in one line.").messages(), null,
                        Duration.ofSeconds(10), d.getMaxOutputTokens())).join();
                assertThat(r).as(d.getId()).isInstanceOf(Completion.class);
                assertThat(Pricing.cost(r.usage(), d)).as(d.getId()).isPositive();
            }

            sim.script("openai", ProviderScript.healthy().withDown(true));
            long serving = index.deploymentsForGroup("frontier").stream()
                    .map(d -> adapters.get(d.getProvider()).complete(TestProviders.request(d.getProviderModel(), "hi")).join())
                    .filter(r -> r instanceof Completion).count();
            assertThat(serving).isEqualTo(index.deploymentsForGroup("frontier").size() - 1);
            DeploymentSpec openai = index.deployment("openai/gpt-4.1").orElseThrow();
            Failure down = (Failure) adapters.get("openai").complete(TestProviders.request(openai.getProviderModel(), "hi")).join();
            assertThat(down.errorClass()).isEqualTo(ErrorClass.OVERLOADED);
        }
    }
}
