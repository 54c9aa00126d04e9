package dev.detour.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.core.catalog.CatalogIndex;
import dev.detour.schema.Catalog;
import dev.detour.schema.ProviderLimits;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DeploymentCatalogTest {

    private static Catalog catalog(String version, long timeoutMs) {
        return Catalog.newBuilder().setVersion(version)
                .setProviders(List.of(Fixtures.provider("acme", "https://api.acme.example/v1",
                        ProviderLimits.newBuilder().setMaxInFlight(7).build())))
                .setDeployments(List.of(Fixtures.deployment("acme", "acme/small", timeoutMs)))
                .build();
    }

    @Test
    void looksUpDeploymentsAndProviders() {
        DeploymentCatalog c = DeploymentCatalog.of(catalog("1", 1_000));
        assertThat(c.deployment("acme/small")).get().extracting(d -> d.getTimeoutMs()).isEqualTo(1_000L);
        assertThat(c.provider("acme")).get().extracting(p -> p.getLimits().getMaxInFlight()).isEqualTo(7);
        assertThat(c.deployment("nope")).isEmpty();
        assertThat(DeploymentCatalog.of(CatalogIndex.of(catalog("1", 1_000))).deployment("acme/small")).isPresent();
    }

    @Test
    void aFollowingCatalogSeesTheLatestVersion() {
        AtomicReference<Catalog> current = new AtomicReference<>();
        DeploymentCatalog c = DeploymentCatalog.following(current::get);
        assertThat(c.deployment("acme/small")).isEmpty();
        current.set(catalog("1", 1_000));
        assertThat(c.deployment("acme/small")).get().extracting(d -> d.getTimeoutMs()).isEqualTo(1_000L);
        current.set(catalog("2", 2_000));
        assertThat(c.deployment("acme/small")).get().extracting(d -> d.getTimeoutMs()).isEqualTo(2_000L);
    }

    @Test
    void adaptersAreBuiltFromTheCatalogOnceAndOnlyForKnownProviders() {
        DeploymentCatalog c = DeploymentCatalog.of(catalog("1", 1_000));
        try (HttpClient http = HttpClient.newHttpClient()) {
            AdapterRegistry adapters = AdapterRegistry.forCatalog(c, http);
            assertThat(adapters.adapterFor("acme")).isPresent();
            assertThat(adapters.adapterFor("acme").get()).isSameAs(adapters.adapterFor("acme").get());
            assertThat(adapters.adapterFor("unknown")).isEmpty();
        }
    }
}
