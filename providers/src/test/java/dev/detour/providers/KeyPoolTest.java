package dev.detour.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.providers.ProviderReply.Completion;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.providers.simulator.ProviderSimulator;
import dev.detour.providers.simulator.SimulatorConfig;
import dev.detour.schema.ApiFamily;
import dev.detour.schema.ProviderSpec;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyPoolTest {

    @TempDir
    Path dir;

    @Test
    void keysAreChosenByWeight() {
        KeyPool pool = KeyPool.of(List.of(new KeyPool.Member("a", ApiKeySource.literal("key-a"), 3, null),
                new KeyPool.Member("b", ApiKeySource.literal("key-b"), 1, null)));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            counts.merge(pool.key().orElseThrow(), 1, Integer::sum);
        }
        assertThat(counts.get("key-a") / 4000.0).isBetween(0.70, 0.80);
        assertThat(counts.get("key-b") / 4000.0).isBetween(0.20, 0.30);
    }

    @Test
    void aKeyAtItsRateLimitIsSkippedAndAnEmptyPoolSaysHowLongToWait() {
        AtomicLong now = new AtomicLong();
        KeyPool pool = KeyPool.of(List.of(new KeyPool.Member("a", ApiKeySource.literal("key-a"), 1, 1.0),
                new KeyPool.Member("b", ApiKeySource.literal("key-b"), 1, 1.0)), now::get);
        assertThat(Set.of(pool.next().key().orElseThrow(), pool.next().key().orElseThrow())).containsExactlyInAnyOrder("key-a", "key-b");
        ApiKeySource.Choice exhausted = pool.next();
        assertThat(exhausted.key()).isEmpty();
        assertThat(exhausted.waitMs()).isBetween(1L, 1000L);
        now.addAndGet(1_000_000_000L);
        assertThat(pool.next().key()).isPresent();
    }

    @Test
    void aRefusedKeyLeavesThePoolUntilItsValueChanges() throws Exception {
        Files.writeString(dir.resolve("primary"), "key-1\n");
        Files.writeString(dir.resolve("backup"), "key-2\n");
        KeyPool pool = KeyPool.fromDirectory(dir);
        pool.rejected("key-1");
        for (int i = 0; i < 50; i++) {
            assertThat(pool.key()).contains("key-2");
        }
        Files.writeString(dir.resolve("primary"), "key-1-rotated\n");
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.add(pool.key().orElseThrow());
        }
        assertThat(seen).containsExactlyInAnyOrder("key-2", "key-1-rotated");
    }

    @Test
    void directoryPoolReadsWeightsAndRateLimitsFromPoolProperties() throws Exception {
        Files.writeString(dir.resolve("a"), "key-a");
        Files.writeString(dir.resolve("b"), "key-b");
        Files.writeString(dir.resolve(".hidden"), "never");
        Files.writeString(dir.resolve("pool.properties"), "a.weight=9\nb.weight=1\n");
        KeyPool pool = KeyPool.fromDirectory(dir);
        int a = 0;
        for (int i = 0; i < 2000; i++) {
            String k = pool.key().orElseThrow();
            assertThat(k).isIn("key-a", "key-b");
            a += k.equals("key-a") ? 1 : 0;
        }
        assertThat(a / 2000.0).isBetween(0.85, 0.95);
        assertThat(pool.toString()).doesNotContain("key-a");
    }

    @Test
    void environmentPoolUsesNumberedVariables() {
        Map<String, String> env = Map.of("OPENAI_API_KEY_1", "e1", "OPENAI_API_KEY_2", "e2", "OPENAI_API_KEY_2_WEIGHT", "2");
        ProviderSpec spec = ProviderSpec.newBuilder(TestProviders.spec("openai", ApiFamily.OPENAI, "https://api.openai.com/v1"))
                .setKeyEnv("OPENAI_API_KEY").build();
        ApiKeySource source = ApiKeySource.of(spec, env::get);
        assertThat(source).isInstanceOf(KeyPool.class);
        assertThat(((KeyPool) source).usableKeys()).isEqualTo(2);
        assertThat(ApiKeySource.of(spec, Map.of("OPENAI_API_KEY", "single")::get)).isNotInstanceOf(KeyPool.class);
    }

    @Test
    void aRevokedKeyIsRetriedOnTheNextKeyWithinTheSameAttempt() throws Exception {
        try (ProviderSimulator sim = ProviderSimulator.start(SimulatorConfig.defaults());
             HttpClient http = ProviderAdapters.defaultHttpClient()) {
            sim.script("pooled", ProviderScript.healthy().withExpectedKeys(List.of("key-good")));
            ProviderAdapter adapter = ProviderAdapters.create(TestProviders.spec("pooled", ApiFamily.OPENAI,
                    sim.baseUrlFor("pooled", ApiFamily.OPENAI)), KeyPool.of(List.of(
                    new KeyPool.Member("revoked", ApiKeySource.literal("key-revoked"), 1, null),
                    new KeyPool.Member("good", ApiKeySource.literal("key-good"), 1, null))), http);
            for (int i = 0; i < 20; i++) {
                assertThat(adapter.complete(TestProviders.request("gpt-4.1", "hi " + i)).join()).isInstanceOf(Completion.class);
            }
            // the revoked key was refused at most once: after that it is out of the pool
            assertThat(sim.stats("pooled").status(401)).isLessThanOrEqualTo(1);
        }
    }

    /**
     * 403 (a key that lost its permission, e.g. a project key whose project was disabled) is a key
     * refusal just like 401: the key leaves the pool and the same attempt goes to the next key. The
     * simulator answers refused keys with 401, so this stub answers 403 in OpenAI's format.
     */
    @Test
    void aForbiddenKeyIsRetriedOnTheNextKeyLikeAnUnauthorizedOne() throws Exception {
        Map<String, AtomicLong> seen = new java.util.concurrent.ConcurrentHashMap<>();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
            seen.computeIfAbsent(auth, k -> new AtomicLong()).incrementAndGet();
            boolean forbidden = auth.endsWith("key-forbidden");
            byte[] body = (forbidden
                    ? "{\"error\":{\"message\":\"You are not allowed to use this project.\",\"type\":\"invalid_request_error\",\"code\":\"permission_denied\"}}"
                    : "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,"
                      + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
                      + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}").getBytes();
            ex.getResponseHeaders().add("content-type", "application/json");
            ex.sendResponseHeaders(forbidden ? 403 : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try (HttpClient http = ProviderAdapters.defaultHttpClient()) {
            ProviderAdapter adapter = ProviderAdapters.create(TestProviders.spec("forbidding", ApiFamily.OPENAI,
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/v1"), KeyPool.of(List.of(
                    new KeyPool.Member("forbidden", ApiKeySource.literal("key-forbidden"), 1, null),
                    new KeyPool.Member("good", ApiKeySource.literal("key-good"), 1, null))), http);
            for (int i = 0; i < 20; i++) {
                assertThat(adapter.complete(TestProviders.request("gpt-4.1", "hi " + i)).join()).isInstanceOf(Completion.class);
            }
            assertThat(seen.get("Bearer key-good").get()).isEqualTo(20);
            // refused once at most, then out of the pool
            assertThat(seen.getOrDefault("Bearer key-forbidden", new AtomicLong()).get()).isLessThanOrEqualTo(1);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void rotatingKeysInTheSecretsDirectoryUnderLoadFailsNoCall() throws Exception {
        Path secrets = Files.createDirectory(dir.resolve("openai-keys"));
        Files.writeString(secrets.resolve("k1"), "rot-key-1");
        Files.writeString(secrets.resolve("k2"), "rot-key-2");
        try (ProviderSimulator sim = ProviderSimulator.start(SimulatorConfig.defaults());
             HttpClient http = ProviderAdapters.defaultHttpClient()) {
            sim.script("rotating", ProviderScript.healthy().withExpectedKeys(List.of("rot-key-1", "rot-key-2")));
            ProviderSpec spec = ProviderSpec.newBuilder(TestProviders.spec("rotating", ApiFamily.OPENAI, sim.baseUrlFor("rotating", ApiFamily.OPENAI))).setKeyFile(secrets.toString()).build();
            ProviderAdapter adapter = ProviderAdapters.create(spec, ApiKeySource.of(spec), http);
            List<CompletableFuture<ProviderReply>> calls = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                if (i == 100) {
                    // the provider revokes k1 before the operator has replaced the file: refused, retried on k2
                    sim.script("rotating", ProviderScript.healthy().withExpectedKeys(List.of("rot-key-2", "rot-key-3")));
                    Files.writeString(secrets.resolve("k3"), "rot-key-3");
                }
                if (i == 200) {
                    Files.delete(secrets.resolve("k1"));
                    Files.writeString(secrets.resolve("k2"), "rot-key-4-new");
                    sim.script("rotating", ProviderScript.healthy().withExpectedKeys(List.of("rot-key-3", "rot-key-4-new")));
                }
                calls.add(adapter.complete(TestProviders.request("gpt-4.1", "job " + i)));
                if (i % 10 == 9) {
                    CompletableFuture.allOf(calls.subList(calls.size() - 10, calls.size()).toArray(CompletableFuture[]::new)).join();
                }
            }
            List<ProviderReply> replies = calls.stream().map(CompletableFuture::join).toList();
            assertThat(replies).allSatisfy(r -> assertThat(r).isInstanceOf(Completion.class));
            assertThat(sim.stats("rotating").succeeded()).isEqualTo(300);
        }
    }

    @Test
    void aSingleKeyThatIsRefusedIsNotSentAgain() throws Exception {
        try (ProviderSimulator sim = ProviderSimulator.start(SimulatorConfig.defaults());
             HttpClient http = ProviderAdapters.defaultHttpClient()) {
            sim.script("single", ProviderScript.healthy().withExpectedKey("other"));
            ProviderAdapter adapter = ProviderAdapters.create(TestProviders.spec("single", ApiFamily.OPENAI,
                    sim.baseUrlFor("single", ApiFamily.OPENAI)), ApiKeySource.literal("key-x"), http);
            ProviderReply r = adapter.complete(TestProviders.request("gpt-4.1", "hi")).join();
            assertThat(r).isInstanceOf(ProviderReply.Failure.class);
            assertThat(((ProviderReply.Failure) r).errorClass()).isEqualTo(dev.detour.schema.ErrorClass.AUTH);
            assertThat(sim.stats("single").requests()).isEqualTo(1);
        }
    }

}
