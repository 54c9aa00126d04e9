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

    @Test
    void aProviderAtAMetadataOrLinkLocalAddressGetsNoAdapterSoNoKeyIsEverSentThere() {
        for (String url : java.util.List.of("http://169.254.169.254/latest", "http://metadata.google.internal/v1", "file:///etc/passwd")) {
            DeploymentCatalog c = DeploymentCatalog.of(dev.detour.schema.Catalog.newBuilder().setVersion("bad")
                    .setProviders(java.util.List.of(Fixtures.provider("evil", url, null)))
                    .setDeployments(java.util.List.of(Fixtures.deployment("evil", "evil/small", 1_000L)))
                    .build());
            try (HttpClient http = HttpClient.newHttpClient()) {
                AdapterRegistry adapters = AdapterRegistry.forCatalog(c, http);
                assertThat(adapters.adapterFor("evil")).as(url).isEmpty();
                assertThat(adapters.adapterFor("evil")).as(url).isEmpty();
            }
        }
    }

    @Test
    void aChangedProviderSpecGetsANewAdapter() {
        java.util.concurrent.atomic.AtomicReference<dev.detour.schema.Catalog> current = new java.util.concurrent.atomic.AtomicReference<>(
                dev.detour.schema.Catalog.newBuilder().setVersion("1")
                        .setProviders(java.util.List.of(Fixtures.provider("acme", "http://localhost:1", null)))
                        .setDeployments(java.util.List.of(Fixtures.deployment("acme", "acme/small", 1_000L))).build());
        DeploymentCatalog c = DeploymentCatalog.following(current::get);
        try (HttpClient http = HttpClient.newHttpClient()) {
            AdapterRegistry adapters = AdapterRegistry.forCatalog(c, http);
            var first = adapters.adapterFor("acme").orElseThrow();
            current.set(dev.detour.schema.Catalog.newBuilder(current.get()).setVersion("2")
                    .setProviders(java.util.List.of(Fixtures.provider("acme", "http://169.254.169.254/", null))).build());
            assertThat(adapters.adapterFor("acme")).isEmpty();
            current.set(dev.detour.schema.Catalog.newBuilder(current.get()).setVersion("3")
                    .setProviders(java.util.List.of(Fixtures.provider("acme", "http://localhost:2", null))).build());
            assertThat(adapters.adapterFor("acme")).get().isNotSameAs(first);
        }
    }
}
