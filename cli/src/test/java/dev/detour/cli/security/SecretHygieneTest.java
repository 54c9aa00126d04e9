package dev.detour.cli.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import dev.detour.cli.component.ComponentMetrics;
import dev.detour.cli.runtime.EmbeddedRuntime;
import dev.detour.client.CompletionRequests;
import dev.detour.client.DetourClient;
import dev.detour.client.DetourClientConfig;
import dev.detour.ledger.LedgerClient;
import dev.detour.providers.simulator.ProviderScript;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ErrorClass;
import dev.detour.schema.ProviderSpec;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import dev.detour.worker.metrics.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The canary test: the pipeline runs with canary API keys and a canary prompt, through failures and
 * retries, and then every log line (all levels of Detour's loggers, INFO and up of everything else),
 * every record of every topic (keys, values, headers), the metrics of every component, the ledger's
 * HTTP answers and every exception text are searched: no key may appear anywhere, and the prompt never
 * in a log line at INFO or above.
 */
@WithKafka
class SecretHygieneTest {
    private static final String PREFIX = "canary.";
    private static final String PROMPT = "CANARY-PROMPT-51d7 please summarise the quarterly figures";

    @Test
    void noKeyAppearsInLogsTopicsMetricsOrHttpAnswersAndThePromptNotInLogs(KafkaCluster kafka) throws Exception {
        ConcurrentLinkedQueue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.classic.Logger detour = ctx.getLogger("dev.detour");
        Level before = detour.getLevel();
        AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                e.prepareForDeferredProcessing();
                events.add(e);
            }
        };
        capture.setContext(ctx);
        capture.start();
        root.addAppender(capture);
        detour.setLevel(Level.DEBUG);
        List<String> keys = new ArrayList<>();
        try {
            Map<String, ProviderScript> scripts = Map.of(
                    "openai", EmbeddedRuntime.defaultScript().withErrorRate(ErrorClass.SERVER_ERROR, 0.4),
                    "anthropic", EmbeddedRuntime.defaultScript().withErrorRate(ErrorClass.RATE_LIMITED, 0.4),
                    "gemini", EmbeddedRuntime.defaultScript().withErrorRate(ErrorClass.INVALID_REQUEST, 0.2));
            try (EmbeddedRuntime runtime = EmbeddedRuntime.start(EmbeddedRuntime.Options.demo()
                    .withBootstrapServers(kafka.bootstrapServers()).withTopicPrefix(PREFIX).withWorkers(1).withScripts(scripts));
                 DetourClient client = DetourClient.create(DetourClientConfig.of(runtime.bootstrapServers(), runtime.registryUrl())
                         .withTopicPrefix(PREFIX))) {
                runtime.catalog().getProviders().forEach(p -> keys.add(EmbeddedRuntime.simulatedKey(p)));
                assertThat(keys).isNotEmpty();

                List<CompletableFuture<CompletionResult>> results = new ArrayList<>();
                for (String group : List.of("balanced", "frontier", "fast-cheap")) {
                    for (int i = 0; i < 10; i++) {
                        CompletionRequest r = CompletionRequests.userMessage("canary-tenant", group, PROMPT + " #" + i, Duration.ofSeconds(60));
                        results.add(client.submit(r));
                    }
                }
                List<String> jobIds = new ArrayList<>();
                for (CompletableFuture<CompletionResult> r : results) {
                    jobIds.add(r.get(120, TimeUnit.SECONDS).getJobId());
                }

                // metrics of every component
                StringBuilder surfaces = new StringBuilder();
                runtime.workers().forEach(w -> surfaces.append(PrometheusText.render(w.metrics().registry())));
                surfaces.append(ComponentMetrics.router(runtime.router()));
                LedgerClient ledger = new LedgerClient(runtime.ledger().httpUrl());
                await().atMost(Duration.ofSeconds(60)).until(() -> runtime.ledger().isRunning());
                surfaces.append(ComponentMetrics.ledger(ledger, true));
                // HTTP answers of the ledger (raw bodies) and the registry
                try (HttpClient http = HttpClient.newHttpClient()) {
                    for (String path : List.of("/spend?groupBy=provider,model", "/problems", "/jobs/" + jobIds.get(0),
                            "/savings?tenant=canary-tenant&from=2000-01-01&to=2100-01-01", "/budgets/canary-tenant")) {
                        surfaces.append(http.send(HttpRequest.newBuilder(runtime.ledger().httpUrl().resolve(path)).build(),
                                HttpResponse.BodyHandlers.ofString()).body());
                    }
                    surfaces.append(http.send(HttpRequest.newBuilder(URI.create(runtime.registryUrl() + "/subjects")).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                }
                for (String key : keys) {
                    assertThat(surfaces.toString()).as("metrics and HTTP answers").doesNotContain(key);
                }

                // every record of every topic of this installation
                int[] withPrompt = {0};
                int scanned = scanTopics(runtime.bootstrapServers(), keys, withPrompt);
                assertThat(scanned).isGreaterThan(60);
                // the scan does read content: the prompt is where it belongs (requests, provider topics)
                assertThat(withPrompt[0]).isGreaterThanOrEqualTo(30);
            }
        } finally {
            root.detachAppender(capture);
            detour.setLevel(before);
        }

        int lines = 0;
        for (ILoggingEvent e : events) {
            String text = e.getLoggerName() + " " + e.getFormattedMessage() + " " + e.getMDCPropertyMap()
                    + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
            for (String key : keys) {
                assertThat(text).as("log line of " + e.getLoggerName()).doesNotContain(key);
            }
            if (e.getLevel().isGreaterOrEqual(Level.INFO)) {
                assertThat(text).as("log line at " + e.getLevel() + " of " + e.getLoggerName()).doesNotContain("CANARY-PROMPT");
            }
            lines++;
        }
        assertThat(lines).isGreaterThan(50);
    }

    private static int scanTopics(String bootstrap, List<String> keys, int[] withPrompt) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.auto.commit", "false");
        int scanned = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.listTopics(Duration.ofSeconds(30)).forEach((topic, infos) -> {
                if (topic.startsWith(PREFIX) || topic.startsWith("_" + PREFIX)) {
                    infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
                }
            });
            assertThat(partitions).extracting(TopicPartition::topic).contains(PREFIX + "requests", PREFIX + "results", PREFIX + "usage",
                    PREFIX + "feedback", PREFIX + "health");
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    scanned++;
                    StringBuilder bytes = new StringBuilder();
                    if (r.key() != null) bytes.append(new String(r.key(), StandardCharsets.UTF_8));
                    if (r.value() != null) bytes.append(new String(r.value(), StandardCharsets.UTF_8));
                    for (Header h : r.headers()) {
                        bytes.append(h.key());
                        if (h.value() != null) bytes.append(new String(h.value(), StandardCharsets.UTF_8));
                    }
                    if (bytes.indexOf("CANARY-PROMPT") >= 0) {
                        withPrompt[0]++;
                    }
                    for (String key : keys) {
                        assertThat(bytes.toString()).as("record of " + r.topic() + " at " + r.offset()).doesNotContain(key);
                    }
                }
            }
        }
        return scanned;
    }
}
