package dev.detour.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.detour.schema.ApiFamily;
import dev.detour.schema.Catalog;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.Tier;
import dev.detour.schema.TokenUsage;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CatalogLoaderTest {

    private static final String MINIMAL = """
            version: "t1"
            providers:
              - {name: openai, apiFamily: OPENAI, baseUrl: "https://api.openai.com/v1", keyEnv: OPENAI_API_KEY}
              - {name: anthropic, apiFamily: ANTHROPIC, baseUrl: "https://api.anthropic.com", keyEnv: K, apiVersion: "2023-06-01"}
            deployments:
              - {provider: openai, model: m1, groups: [g], prices: {input: 1000000, output: 2000000}}
              - {provider: anthropic, model: m1, providerModel: m1-20250101, tier: SECONDARY, prices: {input: 3, output: 4}}
            groups:
              - {name: g, models: []}
            """;

    @Test
    void defaultCatalogHasTheProvidersAndModelsItPromises() {
        Catalog catalog = CatalogLoader.loadDefault();
        CatalogIndex index = CatalogIndex.of(catalog);

        assertThat(catalog.getProviders()).hasSizeGreaterThanOrEqualTo(14);
        assertThat(catalog.getDeployments()).hasSizeGreaterThanOrEqualTo(150);
        assertThat(index.models()).hasSizeGreaterThanOrEqualTo(150);
        assertThat(catalog.getSource()).contains("genai-prices").contains("MIT");
        Set<String> names = catalog.getProviders().stream().map(p -> p.getName()).collect(Collectors.toSet());
        assertThat(names).contains("openai", "anthropic", "gemini", "deepseek", "qwen", "mistral", "groq", "together",
                "fireworks", "xai", "openrouter", "azure", "vllm", "ollama");
        assertThat(index.provider("azure").orElseThrow().getApiFamily()).isEqualTo(ApiFamily.AZURE_OPENAI);
        assertThat(index.provider("gemini").orElseThrow().getApiFamily()).isEqualTo(ApiFamily.GEMINI);
        for (String group : new String[] {"frontier-reasoning", "frontier", "balanced", "fast-cheap", "code"}) {
            assertThat(index.deploymentsForGroup(group)).as(group).hasSizeGreaterThanOrEqualTo(5);
        }
        // An open-weights model is served by several providers; the group lists them in fallback order.
        assertThat(index.deploymentsForModel("llama-3.3-70b")).extracting(DeploymentSpec::getProvider)
                .contains("groq", "together", "cerebras", "openrouter", "vllm");
        assertThat(index.resolve("same:llama-3.3-70b")).isEqualTo(index.deploymentsForModel("llama-3.3-70b"));
        assertThat(index.deploymentsForModel("llama-3.3-70b").get(0).getTier()).isEqualTo(Tier.PRIMARY);
        assertThat(index.deploymentsForModel("gpt-4.1")).extracting(DeploymentSpec::getId)
                .containsExactly("openai/gpt-4.1", "azure/gpt-4.1", "openrouter/gpt-4.1");
        assertThat(index.deploymentsForModel("gpt-oss-20b")).extracting(DeploymentSpec::getProvider).contains("ollama");
        assertThat(index.deployment("ollama/gpt-oss-20b").orElseThrow().getPrices().getOutputPerMillionMicros()).isZero();
    }

    @Test
    void defaultCatalogPricesAUsageExactly() {
        CatalogIndex index = CatalogIndex.of(CatalogLoader.loadDefault());
        DeploymentSpec sonnet = index.deployment("anthropic/claude-sonnet-4-6").orElseThrow();
        // $3 / $15 / cached read $0.30 / cache write $3.75 per million tokens.
        TokenUsage usage = TokenUsage.newBuilder().setInputTokens(1_234).setOutputTokens(567)
                .setCachedReadTokens(10_000).setCacheWriteTokens(2_000).setReasoningTokens(100).build();
        // 1234*3 + 567*15 + 10000*0.3 + 2000*3.75 = 3702 + 8505 + 3000 + 7500 = 22707 micro-dollars.
        assertThat(Pricing.cost(usage, sonnet)).isEqualTo(22_707L);

        DeploymentSpec mini = index.deployment("openai/gpt-4.1-mini").orElseThrow();
        // $0.40 in, $1.60 out: 333 x 0.4 + 77 x 1.6 = 133.2 + 123.2 = 256.4 -> 256
        assertThat(Pricing.cost(TokenUsage.newBuilder().setInputTokens(333).setOutputTokens(77).build(), mini)).isEqualTo(256L);
    }

    @Test
    void demoCatalogLetsEveryGroupFailOverAcrossProviders() {
        CatalogIndex index = CatalogIndex.of(CatalogLoader.loadResource(CatalogLoader.DEMO_RESOURCE,
                CatalogOptions.withOverrides(Map.of("openai", "http://127.0.0.1:9999/openai/v1"))));
        assertThat(index.providers()).hasSize(5);
        assertThat(index.provider("openai").orElseThrow().getBaseUrl()).isEqualTo("http://127.0.0.1:9999/openai/v1");
        for (String group : new String[] {"frontier", "balanced", "fast-cheap"}) {
            assertThat(index.deploymentsForGroup(group).stream().map(DeploymentSpec::getProvider).distinct().count())
                    .as(group).isGreaterThanOrEqualTo(3);
        }
        // Group membership written on deployments shows up on the group too.
        assertThat(index.group("frontier").orElseThrow().getModels()).contains("gpt-4.1", "claude-sonnet-4-6");
    }

    @Test
    void minimalCatalogDefaultsIdsProviderModelAndTier() {
        CatalogIndex index = CatalogIndex.of(CatalogLoader.parse(MINIMAL, CatalogOptions.DEFAULT));
        DeploymentSpec d = index.deployment("openai/m1").orElseThrow();
        assertThat(d.getProviderModel()).isEqualTo("m1");
        assertThat(d.getTier()).isEqualTo(Tier.PRIMARY);
        assertThat(index.deploymentsForModel("m1")).extracting(DeploymentSpec::getId).containsExactly("openai/m1", "anthropic/m1");
        assertThat(index.deploymentsForGroup("g")).extracting(DeploymentSpec::getId).containsExactly("openai/m1", "anthropic/m1");
        assertThat(index.isKnownModel("m1")).isTrue();
        assertThat(index.isKnownModel("g")).isFalse();
        assertThat(index.isKnownModelOrGroup("g")).isTrue();
        assertThat(index.resolve("nope")).isEmpty();
        assertThat(index.provider("anthropic").orElseThrow().getRegion()).isEqualTo("global");
    }

    @Test
    void unknownProviderInADeploymentIsNamed() {
        String yaml = MINIMAL.replace("{provider: anthropic, model: m1", "{provider: anthropik, model: m1");
        assertThatThrownBy(() -> CatalogLoader.parse(yaml, CatalogOptions.DEFAULT))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("deployments[1](anthropik/m1).provider: unknown provider 'anthropik'");
    }

    @Test
    void negativePriceIsNamed() {
        String yaml = MINIMAL.replace("input: 3,", "input: -3,");
        assertThatThrownBy(() -> CatalogLoader.parse(yaml, CatalogOptions.DEFAULT))
                .hasMessageContaining("deployments[1](anthropic/m1).prices.input: must not be negative");
    }

    @Test
    void fractionalPriceIsRefusedWithAHint() {
        String yaml = MINIMAL.replace("input: 3,", "input: 2.5,");
        assertThatThrownBy(() -> CatalogLoader.parse(yaml, CatalogOptions.DEFAULT))
                .hasMessageContaining("deployments[1].prices.input: must be a whole number")
                .hasMessageContaining("2500000");
    }

    @Test
    void duplicateDeploymentIdIsNamed() {
        String yaml = MINIMAL.replace("{provider: anthropic, model: m1,", "{id: openai/m1, provider: openai, model: m1,");
        assertThatThrownBy(() -> CatalogLoader.parse(yaml, CatalogOptions.DEFAULT))
                .hasMessageContaining("duplicate deployment id 'openai/m1'");
    }

    @Test
    void misspeltKeyIsAnErrorNotSilentlyIgnored() {
        String yaml = MINIMAL.replace("output: 4}", "output: 4, cachedRaed: 1}");
        assertThatThrownBy(() -> CatalogLoader.parse(yaml, CatalogOptions.DEFAULT))
                .hasMessageContaining("deployments[1].prices.cachedRaed: unknown key");
    }

    @Test
    void unknownGroupAndUnknownModelAreNamed() {
        String yaml = MINIMAL.replace("groups: [g]", "groups: [gg]").replace("models: []", "models: [m9]");
        assertThatThrownBy(() -> CatalogLoader.parse(yaml, CatalogOptions.DEFAULT))
                .hasMessageContaining("deployments[0](openai/m1).groups: unknown group 'gg'")
                .hasMessageContaining("groups[0](g).models: unknown model 'm9'");
    }

    @Test
    void baseUrlMustBeHttpAndNotAMetadataService() {
        for (String bad : new String[] {"ftp://api.openai.com", "file:///etc/passwd", "http://169.254.169.254/latest",
                "http://metadata.google.internal/computeMetadata/v1", "http://[fe80::1]/v1", "https://user:pw@api.openai.com/v1",
                "https://api.openai.com/v1?key=x"}) {
            String yaml = MINIMAL.replace("https://api.openai.com/v1", bad);
            assertThatThrownBy(() -> CatalogLoader.parse(yaml, CatalogOptions.DEFAULT)).as(bad)
                    .hasMessageContaining("providers[0](openai).baseUrl");
        }
        String metadata = MINIMAL.replace("https://api.openai.com/v1", "http://169.254.169.254/v1");
        assertThat(CatalogLoader.parse(metadata, new CatalogOptions(Map.of(), true)).getProviders().get(0).getBaseUrl())
                .isEqualTo("http://169.254.169.254/v1");
        // Loopback stays allowed: self-hosted models and the simulator.
        assertThat(BaseUrlPolicy.problem("http://127.0.0.1:8000/v1", false)).isEmpty();
        assertThat(BaseUrlPolicy.problem("http://localhost:11434/v1", false)).isEmpty();
    }

    @Test
    void overridesAreCheckedLikeTheFileAndMustNameKnownProviders() {
        assertThatThrownBy(() -> CatalogLoader.parse(MINIMAL, CatalogOptions.withOverrides(Map.of("openai", "http://169.254.1.1"))))
                .hasMessageContaining("providers[0](openai).baseUrl");
        assertThatThrownBy(() -> CatalogLoader.parse(MINIMAL, CatalogOptions.withOverrides(Map.of("opneai", "http://127.0.0.1"))))
                .hasMessageContaining("baseUrlOverrides.opneai");
    }

    @Test
    void brokenYamlIsReportedWithItsLine() {
        assertThatThrownBy(() -> CatalogLoader.parse("version: [1\nproviders: x", CatalogOptions.DEFAULT))
                .isInstanceOf(CatalogException.class).hasMessageContaining("not valid YAML");
    }

    @Test
    void missingRequiredFieldsAreProblemsNotCrashes() {
        String yaml = """
                providers:
                  - {apiFamily: OPENAI}
                deployments:
                  - {provider: openai, providerModel: [x]}
                  - 42
                groups:
                  - {description: x}
                """;
        assertThatThrownBy(() -> CatalogLoader.parse(yaml, CatalogOptions.DEFAULT))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("version: required")
                .hasMessageContaining("providers[0].name: required")
                .hasMessageContaining("providers[0].baseUrl: required")
                .hasMessageContaining("deployments[0].model: required")
                .hasMessageContaining("deployments[0].prices: required")
                .hasMessageContaining("deployments[0].providerModel: must be a single value")
                .hasMessageContaining("deployments[1]: must be a mapping")
                .hasMessageContaining("groups[0].name: required");
    }

    @Test
    void loadedCatalogRoundTripsThroughAvroAsPublishedOnTheConfigTopic() throws Exception {
        Catalog catalog = CatalogLoader.loadDefault();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder enc = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<>(Catalog.class).write(catalog, enc);
        enc.flush();
        Catalog back = new org.apache.avro.specific.SpecificDatumReader<>(Catalog.class)
                .read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(back).isEqualTo(catalog);
        assertThat(out.size()).isLessThan(1_000_000); // small enough for one Kafka record
    }
}
