package dev.detour.providers;

import dev.detour.schema.ApiFamily;
import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionParams;
import dev.detour.schema.ProviderSpec;
import java.time.Duration;
import java.util.List;

/** Shared fixtures of the provider tests. */
public final class TestProviders {

    public static final String KEY = "sk-test-0123456789abcdefXYZ";

    private TestProviders() {}

    /** One provider per API family, as a parameter of family-wide tests. */
    public record Family(String label, ApiFamily family, String model) {
        @Override
        public String toString() {
            return label;
        }
    }

    public static List<Family> families() {
        return List.of(
                new Family("openai", ApiFamily.OPENAI, "gpt-4.1"),
                new Family("azure", ApiFamily.AZURE_OPENAI, "gpt-4o-eu"),
                new Family("anthropic", ApiFamily.ANTHROPIC, "claude-sonnet-4-6"),
                new Family("gemini", ApiFamily.GEMINI, "gemini-2.5-flash"),
                new Family("deepseek", ApiFamily.OPENAI_COMPATIBLE, "deepseek-v4-flash"));
    }

    public static ProviderSpec spec(String name, ApiFamily family, String baseUrl) {
        return ProviderSpec.newBuilder()
                .setName(name)
                .setApiFamily(family)
                .setBaseUrl(baseUrl)
                .setKeyEnv("UNUSED_IN_TESTS")
                .setApiVersion(family == ApiFamily.ANTHROPIC ? "2023-06-01" : family == ApiFamily.AZURE_OPENAI ? "2024-10-21" : null)
                .build();
    }

    public static ProviderRequest request(String model, String prompt) {
        return request(model, prompt, null, Duration.ofSeconds(20));
    }

    public static ProviderRequest request(String model, String prompt, Integer maxTokens, Duration timeout) {
        CompletionParams params = CompletionParams.newBuilder().setMaxTokens(maxTokens).setTemperature(0.2).build();
        return new ProviderRequest(model, List.of(
                ChatMessage.newBuilder().setRole("system").setContent("You are terse.").build(),
                ChatMessage.newBuilder().setRole("user").setContent(prompt).build()), params, timeout);
    }
}
