package dev.detour.providers.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.providers.ApiKeySource;
import dev.detour.providers.ProviderAdapter;
import dev.detour.providers.ProviderAdapters;
import dev.detour.providers.ProviderReply;
import dev.detour.providers.ProviderReply.Completion;
import dev.detour.providers.ProviderReply.Failure;
import dev.detour.providers.TestProviders;
import dev.detour.schema.ApiFamily;
import dev.detour.schema.ErrorClass;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProviderSimulatorTest {

    /** A clock the test moves by hand: windows and token buckets advance only when told. */
    static final class ManualClock extends Clock {
        private final AtomicLong millis = new AtomicLong(Instant.parse("2026-11-25T12:00:00Z").toEpochMilli());

        void advance(long ms) {
            millis.addAndGet(ms);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    private static ProviderAdapter adapter(ProviderSimulator sim, String name, ApiFamily family, HttpClient http) {
        return ProviderAdapters.create(TestProviders.spec(name, family, sim.baseUrlFor(name, family)), ApiKeySource.literal("k-123456"), http);
    }

    private static List<ErrorClass> outcomes(ProviderAdapter a, int n) {
        List<ErrorClass> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ProviderReply r = a.complete(TestProviders.request("m", "hi")).join();
            out.add(r instanceof Failure f ? f.errorClass() : null);
        }
        return out;
    }

    @Test
    void sameSeedSameSequenceOfOutcomes() {
        ProviderScript script = ProviderScript.healthy().withErrorRate(ErrorClass.SERVER_ERROR, 0.3).withErrorRate(ErrorClass.OVERLOADED, 0.2);
        List<List<ErrorClass>> runs = new ArrayList<>();
        try (HttpClient http = ProviderAdapters.defaultHttpClient()) {
            for (long seed : new long[] {7, 7, 8}) {
                try (ProviderSimulator sim = ProviderSimulator.start(SimulatorConfig.defaults().withSeed(seed))) {
                    sim.script("openai", script);
                    runs.add(outcomes(adapter(sim, "openai", ApiFamily.OPENAI, http), 40));
                }
            }
        }
        assertThat(runs.get(0)).isEqualTo(runs.get(1));
        assertThat(runs.get(0)).isNotEqualTo(runs.get(2));
        long failures = runs.get(0).stream().filter(c -> c != null).count();
        assertThat(failures).isBetween(8L, 32L); // about half of 40
        assertThat(runs.get(0)).containsOnly(null, ErrorClass.SERVER_ERROR, ErrorClass.OVERLOADED);
    }

    @Test
    void latencyDrawsAreReproducible() {
        ProviderScript.Latency logn = ProviderScript.Latency.lognormal(200, 0.5, 5000);
        java.util.SplittableRandom a = new java.util.SplittableRandom(1);
        java.util.SplittableRandom b = new java.util.SplittableRandom(1);
        for (int i = 0; i < 100; i++) {
            long x = logn.draw(a);
            assertThat(x).isEqualTo(logn.draw(b)).isBetween(0L, 5000L);
        }
        ProviderScript.Latency uni = ProviderScript.Latency.uniform(10, 20);
        for (int i = 0; i < 100; i++) {
            assertThat(uni.draw(a)).isBetween(10L, 20L);
        }
    }

    @Test
    void outageWindowAndTokenBucketFollowTheClock() {
        ManualClock clock = new ManualClock();
        try (ProviderSimulator sim = ProviderSimulator.start(SimulatorConfig.defaults().withClock(clock));
             HttpClient http = ProviderAdapters.defaultHttpClient()) {
            sim.script("anthropic", ProviderScript.healthy().withOutage(1_000, 2_000, "error"));
            ProviderAdapter a = adapter(sim, "anthropic", ApiFamily.ANTHROPIC, http);
            assertThat(outcomes(a, 1)).containsExactly((ErrorClass) null);
            clock.advance(1_500);
            assertThat(outcomes(a, 1)).containsExactly(ErrorClass.OVERLOADED);
            clock.advance(1_000);
            assertThat(outcomes(a, 1)).containsExactly((ErrorClass) null);

            sim.script("openai", ProviderScript.healthy().withRateLimit(2.0, 2));
            ProviderAdapter o = adapter(sim, "openai", ApiFamily.OPENAI, http);
            assertThat(outcomes(o, 3)).containsExactly(null, null, ErrorClass.RATE_LIMITED);
            Failure limited = (Failure) o.complete(TestProviders.request("m", "hi")).join();
            assertThat(limited.retryAfterMs()).isEqualTo(500L); // half a second to the next token at 2/s
            clock.advance(500);
            assertThat(outcomes(o, 2)).containsExactly(null, ErrorClass.RATE_LIMITED);
            assertThat(sim.stats("openai").status(429)).isEqualTo(3);
            assertThat(sim.stats("openai").succeeded()).isEqualTo(3);
        }
    }

    @Test
    void controlApiChangesAScriptAtRunTime() throws Exception {
        try (ProviderSimulator sim = ProviderSimulator.start(SimulatorConfig.defaults());
             HttpClient http = ProviderAdapters.defaultHttpClient()) {
            String control = "http://127.0.0.1:" + sim.port() + "/_sim/providers/gemini/script";
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(control))
                    .PUT(HttpRequest.BodyPublishers.ofString("""
                            {"latency": {"kind": "uniform", "minMs": 1, "maxMs": 3},
                             "errorRates": {"SERVER_ERROR": 1.0}, "expectedKey": "k-123456"}"""))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).isEqualTo(200);
            assertThat(sim.script("gemini").errorRates()).containsEntry(ErrorClass.SERVER_ERROR, 1.0);
            ProviderAdapter g = adapter(sim, "gemini", ApiFamily.GEMINI, http);
            assertThat(outcomes(g, 1)).containsExactly(ErrorClass.SERVER_ERROR);

            HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(control)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.body()).contains("\"SERVER_ERROR\":1.0").contains("uniform");

            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(control))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"errorRates\": {\"SERVER_ERROR\": 2.0}}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("within 0..1");

            http.send(HttpRequest.newBuilder(URI.create(control)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(outcomes(g, 1)).containsExactly((ErrorClass) null);

            HttpResponse<String> stats = http.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + sim.port() + "/_sim/providers/gemini/stats")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(stats.body()).contains("\"requests\":2");
        }
    }

    @Test
    void holdsThousandsOfSlowRequestsAtOnce() {
        int n = 2000;
        List<CompletableFuture<ProviderReply>> calls = new ArrayList<>();
        try (HttpClient http = ProviderAdapters.defaultHttpClient()) {
            try (ProviderSimulator sim = ProviderSimulator.start(SimulatorConfig.defaults())) {
                // Long enough that nobody finishes: the test sees all of them waiting inside the simulator at once.
                sim.script("openai", ProviderScript.healthy().withLatency(ProviderScript.Latency.fixed(120_000)));
                ProviderAdapter a = adapter(sim, "openai", ApiFamily.OPENAI, http);
                for (int i = 0; i < n; i++) {
                    calls.add(a.complete(TestProviders.request("m", "request " + i, null, java.time.Duration.ofSeconds(90))));
                }
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                        .until(() -> sim.stats("openai").inFlight() == n);
                assertThat(sim.stats("openai").peakInFlight()).isEqualTo(n);
                assertThat(calls).noneMatch(CompletableFuture::isDone);
            }
            // Closing the simulator drops the held connections: every caller gets a normalized failure, none hangs.
            List<ProviderReply> replies = calls.stream().map(CompletableFuture::join).toList();
            assertThat(replies).allSatisfy(r -> assertThat(((Failure) r).errorClass()).isEqualTo(ErrorClass.CONNECTION));
        }
    }

    @Test
    void badRequestsGetEachApisOwnErrorShape() throws Exception {
        try (ProviderSimulator sim = ProviderSimulator.start(SimulatorConfig.defaults());
             HttpClient http = ProviderAdapters.defaultHttpClient()) {
            String base = "http://127.0.0.1:" + sim.port();
            HttpResponse<String> openai = http.send(HttpRequest.newBuilder(URI.create(base + "/openai/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{not json")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(openai.statusCode()).isEqualTo(400);
            assertThat(openai.body()).contains("\"type\":\"invalid_request_error\"").contains("\"error\":{");
            HttpResponse<String> anthropic = http.send(HttpRequest.newBuilder(URI.create(base + "/anthropic/v1/messages"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-haiku-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anthropic.statusCode()).isEqualTo(400);
            assertThat(anthropic.body()).contains("\"type\":\"error\"").contains("max_tokens: Field required");
            HttpResponse<String> gemini = http.send(HttpRequest.newBuilder(URI.create(base + "/gemini/v1beta/models/gemini-2.5-flash:generateContent"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(gemini.statusCode()).isEqualTo(400);
            assertThat(gemini.body()).contains("\"status\":\"INVALID_ARGUMENT\"");
            HttpResponse<String> nowhere = http.send(HttpRequest.newBuilder(URI.create(base + "/openai/v2/unknown"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(nowhere.statusCode()).isEqualTo(404);
            // Gemini also accepts the key as a query parameter, as the real API does.
            sim.script("gemini", ProviderScript.healthy().withExpectedKey("AIzaQueryKey"));
            HttpResponse<String> viaQuery = http.send(HttpRequest.newBuilder(URI.create(base + "/gemini/v1beta/models/m:generateContent?key=AIzaQueryKey"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(viaQuery.statusCode()).isEqualTo(200);
            assertThat(viaQuery.body()).contains("\"finishReason\":\"STOP\"");
        }
    }
}
