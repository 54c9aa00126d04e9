package dev.detour.cli.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detour.cli.runtime.EmbeddedRuntime;
import dev.detour.client.CompletionRequests;
import dev.detour.client.DetourClient;
import dev.detour.client.DetourClientConfig;
import dev.detour.core.TopicReader;
import dev.detour.providers.ApiKeySource;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.providers.simulator.ProviderSimulator;
import dev.detour.schema.CircuitState;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.HealthSnapshot;
import dev.detour.schema.ProviderSpec;
import dev.detour.schema.ResultStatus;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key rotation while jobs flow, through the real pipeline (broker, router, worker, simulator, client):
 * each provider's keys come from its own secrets directory (two files, {@code primary} and
 * {@code secondary}), exactly as a worker started with {@code keyFile: /run/secrets/<provider>} reads them.
 * Mid-load the provider revokes the primary key (401, Gemini's 400 API_KEY_INVALID), the operator
 * writes a new primary key into its file, and the provider then revokes the secondary key, so only the
 * new key still works. Every job must succeed on its first attempt: a refused key is retried on the next
 * key inside the attempt and never reaches the router's health table.
 */
@WithKafka
class KeyRotationEndToEndTest {
    private static final int JOBS = 400;
    private static final int IN_FLIGHT = 24;

    @TempDir
    Path secrets;

    @Test
    void rotatingKeysMidLoadFailsNoJobAndNeverMarksADeploymentUnhealthy(KafkaCluster kafka) throws Exception {
        List<String> providers = List.of("openai", "anthropic", "gemini", "deepseek", "mistral");
        Map<String, ProviderScript> scripts = new HashMap<>();
        for (String p : providers) {
            Files.createDirectories(secrets.resolve(p));
            Files.writeString(secrets.resolve(p).resolve("primary"), oldKey(p) + "\n");
            Files.writeString(secrets.resolve(p).resolve("secondary"), secondKey(p) + "\n");
            scripts.put(p, fast().withExpectedKeys(List.of(oldKey(p), secondKey(p))));
        }
        EmbeddedRuntime.Options options = EmbeddedRuntime.Options.demo()
                .withBootstrapServers(kafka.bootstrapServers())
                .withWorkers(1)
                .withScripts(scripts)
                // The production path: a keyFile that is a directory becomes a key pool (ApiKeySource.of).
                .withProviderKeys(spec -> ApiKeySource.of(ProviderSpec.newBuilder(spec)
                        .setKeyFile(secrets.resolve(spec.getName()).toString()).build()));
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(options);
             DetourClient client = DetourClient.create(DetourClientConfig.of(runtime.bootstrapServers(), runtime.registryUrl())
                     .withTopicPrefix(runtime.topics().prefix()))) {
            ProviderSimulator sim = runtime.simulator();
            ConcurrentLinkedQueue<CompletionResult> results = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            AtomicInteger done = new AtomicInteger();
            Semaphore window = new Semaphore(IN_FLIGHT);
            // Continuous load: a bounded number of jobs in flight, the next submitted as one completes.
            Thread load = Thread.ofPlatform().name("rotation-load").start(() -> {
                for (int i = 0; i < JOBS; i++) {
                    try {
                        window.acquire();
                    } catch (InterruptedException e) {
                        return;
                    }
                    client.submit(CompletionRequests.userMessage("acme", "balanced", "rotation job " + i, Duration.ofMinutes(2)))
                            .whenComplete((r, e) -> {
                                if (e != null) {
                                    errors.add(e);
                                } else {
                                    results.add(r);
                                }
                                done.incrementAndGet();
                                window.release();
                            });
                }
            });
            List<Map<String, HealthSnapshot>> healthSamples = new ArrayList<>();

            // 1. The provider revokes the primary keys (say, leaked) before the operator has replaced them.
            awaitDone(done, JOBS / 4);
            healthSamples.add(runtime.router().healthTable());
            for (String p : providers) {
                sim.script(p, fast().withExpectedKeys(List.of(secondKey(p))));
            }
            long refusedOld = awaitRefusals(sim, providers, 1);

            // 2. The operator issues new primary keys and writes them into the files (atomically, as a
            //    secrets mount does); the provider accepts them. No restart.
            awaitDone(done, JOBS / 2);
            healthSamples.add(runtime.router().healthTable());
            for (String p : providers) {
                sim.script(p, fast().withExpectedKeys(List.of(secondKey(p), newKey(p))));
                Path tmp = secrets.resolve(p).resolve(".primary.tmp");
                Files.writeString(tmp, newKey(p) + "\n");
                Files.move(tmp, secrets.resolve(p).resolve("primary"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }

            // 3. The provider revokes the secondary keys: from now on only the new keys work.
            awaitDone(done, 3 * JOBS / 4);
            healthSamples.add(runtime.router().healthTable());
            long succeededBefore = providers.stream().mapToLong(p -> sim.stats(p).succeeded()).sum();
            for (String p : providers) {
                sim.script(p, fast().withExpectedKeys(List.of(newKey(p))));
            }

            load.join(TimeUnit.MINUTES.toMillis(5));
            awaitDone(done, JOBS);
            healthSamples.add(runtime.router().healthTable());
            long refusedTotal = refusals(sim, providers);
            long succeededAfter = providers.stream().mapToLong(p -> sim.stats(p).succeeded()).sum() - succeededBefore;
            System.out.printf("key rotation: %d jobs, %d keys refused by the provider (%d before the new key), "
                            + "%d calls served only by the new keys%n",
                    results.size(), refusedTotal, refusedOld, succeededAfter);

            assertThat(errors).isEmpty();
            assertThat(results).hasSize(JOBS);
            assertThat(results).allSatisfy(r -> {
                assertThat(r.getStatus()).as("%s: %s", r.getJobId(), r.getFailureMessage()).isEqualTo(ResultStatus.SUCCEEDED);
                // One attempt: a refused key was retried on the next key inside the attempt, no failover.
                assertThat(r.getAttempts()).as(r.getJobId()).hasSize(1);
            });
            assertThat(deadLetters(runtime)).isZero();
            assertThat(refusedOld).as("calls the provider refused with the revoked primary keys").isPositive();
            assertThat(refusedTotal).as("refused with the revoked primary and secondary keys").isGreaterThan(refusedOld);
            // After step 3 only the new keys are accepted: calls that succeeded then used them.
            assertThat(succeededAfter).as("calls answered with the new keys").isPositive();
            assertThat(runtime.router().decisionCounts().getOrDefault("failover", 0.0)).isZero();
            assertThat(healthSamples.get(healthSamples.size() - 1)).as("deployments with health").isNotEmpty();
            for (Map<String, HealthSnapshot> table : healthSamples) {
                assertThat(table.values()).allSatisfy(h -> {
                    assertThat(h.getCircuit()).as(h.getDeploymentId()).isEqualTo(CircuitState.CLOSED);
                    assertThat(h.getErrorsByClass().keySet().stream().map(Object::toString)).as(h.getDeploymentId()).doesNotContain("AUTH");
                    assertThat(h.getFailures()).as(h.getDeploymentId()).isZero();
                });
            }
        }
    }

    private static ProviderScript fast() {
        return ProviderScript.healthy().withLatency(ProviderScript.Latency.fixed(20));
    }

    private static String oldKey(String provider) {
        return "old-" + provider + "-key";
    }

    private static String secondKey(String provider) {
        return "second-" + provider + "-key";
    }

    private static String newKey(String provider) {
        return "rotated-" + provider + "-key-2";
    }

    private static void awaitDone(AtomicInteger done, int n) {
        await().atMost(Duration.ofMinutes(3)).until(() -> done.get() >= n);
    }

    /** Refused keys so far: 401 on OpenAI/Anthropic wire protocols, 400 API_KEY_INVALID on Gemini's. */
    private static long refusals(ProviderSimulator sim, List<String> providers) {
        return providers.stream().mapToLong(p -> {
            var s = sim.stats(p);
            return s.status(401) + (p.equals("gemini") ? s.status(400) : 0);
        }).sum();
    }

    private static long awaitRefusals(ProviderSimulator sim, List<String> providers, long atLeast) {
        await().atMost(Duration.ofMinutes(2)).until(() -> refusals(sim, providers) >= atLeast);
        return refusals(sim, providers);
    }

    private static long deadLetters(EmbeddedRuntime runtime) {
        AtomicInteger n = new AtomicInteger();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", runtime.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicReader.readToEnd(consumer, TopicReader.assignFromBeginning(consumer, runtime.topics().deadLetter(),
                    Duration.ofSeconds(30)), r -> n.incrementAndGet());
        }
        return n.get();
    }
}
