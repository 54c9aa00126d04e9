package dev.detour.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.schema.ApiFamily;
import dev.detour.schema.ProviderSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeySourceTest {

    @Test
    void environmentKeyIsReadButNeverPrinted() {
        ApiKeySource s = ApiKeySource.fromEnv("OPENAI_API_KEY", Map.of("OPENAI_API_KEY", "  sk-secret-123\n")::get);
        assertThat(s.key()).hasValue("sk-secret-123");
        assertThat(s.toString()).contains("OPENAI_API_KEY").doesNotContain("sk-secret");
        assertThat(ApiKeySource.fromEnv("MISSING", Map.<String, String>of()::get).key()).isEmpty();
        assertThat(ApiKeySource.literal("sk-lit-999").toString()).doesNotContain("sk-lit");
    }

    @Test
    void fileKeyIsReReadWhenTheFileChanges(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("key");
        Files.writeString(f, "first-key\n");
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        ApiKeySource s = ApiKeySource.fromFile(f);
        assertThat(s.key()).hasValue("first-key");
        Files.writeString(f, "second-key-rotated\n");
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2026-01-01T00:00:01Z")));
        assertThat(s.key()).hasValue("second-key-rotated");
        assertThat(s.toString()).doesNotContain("key-rotated");
        Files.delete(f);
        assertThat(s.key()).isEmpty();
    }

    @Test
    void catalogChoosesFileOverEnvironment() {
        ProviderSpec spec = ProviderSpec.newBuilder().setName("p").setApiFamily(ApiFamily.OPENAI).setBaseUrl("https://x")
                .setKeyEnv("E").setKeyFile("/run/secrets/p").build();
        assertThat(ApiKeySource.of(spec).toString()).contains("/run/secrets/p");
        spec.setKeyFile(null);
        assertThat(ApiKeySource.of(spec).toString()).contains("env E");
        spec.setKeyEnv(null);
        assertThat(ApiKeySource.of(spec).key()).isEmpty();
    }
}
