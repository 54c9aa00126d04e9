package dev.detour.ledger;

import dev.detour.core.TopicProvisioner;
import dev.detour.core.Topics;
import dev.detour.ledger.spend.CostFormula;
import dev.detour.ledger.topology.LedgerDriver;
import dev.detour.schema.ConfigRecord;
import dev.detour.schema.UnitPrices;
import dev.detour.schema.UsageRecord;
import dev.detour.testkit.KafkaCluster;
import dev.detour.testkit.WithKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static dev.detour.ledger.Fixtures.DAY1;
import static dev.detour.ledger.Fixtures.catalog;
import static dev.detour.ledger.Fixtures.catalogRecord;
import static dev.detour.ledger.Fixtures.prices;
import static dev.detour.ledger.Fixtures.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The ledger against a real broker, exactly-once: restarts, a rebuild from replay, and two instances. */
@WithKafka
class LedgerKafkaTest {

    private static final long DAY_MS = 86_400_000L;
    private static final LocalDate FROM = LocalDate.parse("2026-11-01");
    private static final LocalDate TO = LocalDate.parse("2026-11-30");
    private static final List<String> TENANTS = List.of("acme", "beta", "gamma", "delta", "eps");
    private static final String[][] DEPLOYMENTS = {{"openai", "gpt-4o"}, {"anthropic", "claude-sonnet"}, {"deepseek", "deepseek-chat"}};

    private static Topics provision(KafkaCluster cluster) {
        Topics topics = new Topics(cluster.uniquePrefix() + "detour.", 3, (short) 1);
        try (Admin admin = cluster.admin()) {
            new TopicProvisioner(admin).ensure(topics.fixed());
        }
        return topics;
    }

    private static List<UsageRecord> attempts(int from, int to) {
        List<UsageRecord> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String[] d = DEPLOYMENTS[i % 3];
            out.add(usage("a-" + i, "job-" + (i / 2), TENANTS.get(i % TENANTS.size()), d[0], d[1], "smart",
                    1_000 + (i * 7919L) % 5_000, 100 + (i * 104_729L) % 2_000, DAY1 + (i % 3) * DAY_MS));
        }
        return out;
    }

    private static UnitPrices priceOf(String model) {
        return switch (model) {
            case "gpt-4o" -> prices(2_500_000, 10_000_000);
            case "claude-sonnet" -> prices(3_000_000, 15_000_000);
            default -> prices(270_000, 1_100_000);
        };
    }

    /** Expected cost and attempt count per tenant over distinct attempts. */
    private static Map<String, long[]> expected(List<UsageRecord> distinct) {
        Map<String, long[]> out = new HashMap<>();
        for (UsageRecord u : distinct) {
            long[] t = out.computeIfAbsent(u.getTenant(), k -> new long[2]);
            t[0] += CostFormula.LIST_PRICE.cost(u.getUsage(), priceOf(u.getModel()));
            t[1]++;
        }
        return out;
    }

    private static KafkaProducer<String, byte[]> producer(KafkaCluster cluster) {
        Properties p = cluster.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // One request in flight: a retried first batch can never fall behind later ones (the test data
        // goes out right after the topics are created).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static void publishCatalog(KafkaCluster cluster, Topics topics) throws Exception {
        try (KafkaProducer<String, byte[]> p = producer(cluster)) {
            byte[] bytes = LedgerDriver.SERDES.valueSerde(ConfigRecord.class).serializer().serialize(topics.config(), catalogRecord(catalog()));
            p.send(new ProducerRecord<>(topics.config(), "catalog", bytes)).get();
        }
    }

    private static void publish(KafkaCluster cluster, Topics topics, List<UsageRecord> usages) throws Exception {
        try (KafkaProducer<String, byte[]> p = producer(cluster)) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (UsageRecord u : usages) {
                sent.add(p.send(new ProducerRecord<>(topics.usage(), null, u.getBilledAtMs(), u.getAttemptId(),
                        LedgerDriver.encode(u))));
            }
            p.flush();
            for (var f : sent) {
                f.get(); // a record the test meant to publish and did not is a failure here, not a timeout later
            }
        }
    }

    private static Ledger start(KafkaCluster cluster, Topics topics, String appId, Path stateDir) {
        return start(cluster, topics, appId, stateDir, CostFormula.LIST_PRICE);
    }

    private static Ledger start(KafkaCluster cluster, Topics topics, String appId, Path stateDir, CostFormula formula) {
        Map<String, String> client = new HashMap<>();
        cluster.clientProperties().forEach((k, v) -> client.put(k.toString(), v.toString()));
        client.remove("bootstrap.servers");
        // A stream thread that dies does not leave its group: let the broker notice it in seconds, not 45.
        client.put("consumer.session.timeout.ms", "6000");
        client.put("consumer.heartbeat.interval.ms", "1000");
        LedgerConfig config = LedgerConfig.defaults(cluster.bootstrapServers(), LedgerDriver.SERDES, stateDir)
                .withApplicationId(appId).withTopics(topics).withClientProperties(client).withCostFormula(formula);
        Ledger ledger = Ledger.start(config);
        await().atMost(Duration.ofSeconds(60)).until(ledger::isRunning);
        return ledger;
    }

    private static SpendReport total(LedgerClient client, String tenant) {
        return client.spend(new SpendQuery(tenant, FROM, TO, Set.of()));
    }

    private static void awaitTotals(LedgerClient client, Map<String, long[]> expected) {
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                SpendRow t = total(client, e.getKey()).total();
                assertThat(t.costMicros()).as("cost of " + e.getKey()).isEqualTo(e.getValue()[0]);
                assertThat(t.attempts()).as("attempts of " + e.getKey()).isEqualTo(e.getValue()[1]);
            }
        });
    }

    @Test
    void restartMidStreamLosesAndDoublesNothingAndAReplayRebuildsTheSameTotals(KafkaCluster cluster,
            @TempDir Path first, @TempDir Path second, @TempDir Path rebuilt) throws Exception {
        Topics topics = provision(cluster);
        publishCatalog(cluster, topics);
        List<UsageRecord> batch1 = attempts(0, 300);
        List<UsageRecord> batch2 = attempts(300, 500);
        publish(cluster, topics, batch1.subList(0, 150));

        String appId = "ledger-" + topics.prefix().replace(".", "-");
        Ledger ledger = start(cluster, topics, appId, first);
        awaitTotals(new LedgerClient(ledger.httpUrl()), expected(batch1.subList(0, 150)));
        List<UsageRecord> rest = new ArrayList<>(batch1.subList(150, 300));
        rest.addAll(batch1.subList(0, 100));     // redeliveries of counted attempts
        publish(cluster, topics, rest);
        ledger.close();   // mid-stream: the ledger is still working through what was just published

        List<UsageRecord> secondWave = new ArrayList<>(batch2);
        secondWave.addAll(batch1.subList(50, 250));   // duplicates of attempts counted before the restart
        secondWave.addAll(batch2.subList(0, 40));
        publish(cluster, topics, secondWave);

        // A fresh state directory: the restarted instance restores its stores from the changelogs.
        List<UsageRecord> distinct = new ArrayList<>(batch1);
        distinct.addAll(batch2);
        Map<String, long[]> expected = expected(distinct);
        try (Ledger restarted = start(cluster, topics, appId, second)) {
            awaitTotals(new LedgerClient(restarted.httpUrl()), expected);
        }

        // Rebuild: a new application id replays detour.usage from the start and reaches the same totals.
        try (Ledger replayed = start(cluster, topics, appId + "-rebuilt", rebuilt)) {
            LedgerClient c = new LedgerClient(replayed.httpUrl());
            awaitTotals(c, expected);
            SpendReport byDay = c.spend(new SpendQuery("acme", FROM, TO, Set.of(SpendQuery.Dimension.DAY)));
            assertThat(byDay.rows()).hasSize(3);
        }
    }

    @Test
    void aStreamThreadDyingMidTransactionLosesAndDoublesNothing(KafkaCluster cluster, @TempDir Path dir) throws Exception {
        Topics topics = provision(cluster);
        publishCatalog(cluster, topics);
        List<UsageRecord> usages = attempts(0, 300);
        UsageRecord poison = usage("a-poison", "job-poison", "acme", "openai", "gpt-4o", "smart", 4_242, 10, DAY1);
        List<UsageRecord> stream = new ArrayList<>(usages.subList(0, 150));
        stream.add(poison);
        stream.addAll(usages.subList(100, 300));   // duplicates on both sides of the crash
        publish(cluster, topics, stream);

        // The first time the ledger prices the poison attempt its thread dies in the middle of a transaction
        // whose other records already touched the stores; the replacement thread must restore and redo it.
        java.util.concurrent.atomic.AtomicInteger crashes = new java.util.concurrent.atomic.AtomicInteger();
        CostFormula crashOnce = (usage, prices) -> {
            if (usage.getInputTokens() == 4_242 && crashes.getAndIncrement() == 0) {
                throw new IllegalStateException("injected crash while pricing");
            }
            return CostFormula.LIST_PRICE.cost(usage, prices);
        };
        List<UsageRecord> distinct = new ArrayList<>(usages);
        distinct.add(poison);
        try (Ledger ledger = start(cluster, topics, "ledger-" + topics.prefix().replace(".", "-"), dir, crashOnce)) {
            awaitTotals(new LedgerClient(ledger.httpUrl()), expected(distinct));
        }
        assertThat(crashes.get()).isGreaterThan(1);
    }

    @Test
    void twoInstancesAnswerEveryQuestionWhicheverIsAsked(KafkaCluster cluster, @TempDir Path a, @TempDir Path b) throws Exception {
        Topics topics = provision(cluster);
        publishCatalog(cluster, topics);
        List<UsageRecord> usages = attempts(0, 120);
        publish(cluster, topics, usages);
        try (KafkaProducer<String, byte[]> p = producer(cluster)) {
            p.send(new ProducerRecord<>(topics.usage(), "bad-1", "garbage".getBytes(StandardCharsets.UTF_8))).get();
            p.send(new ProducerRecord<>(topics.usage(), "bad-2", "garbage".getBytes(StandardCharsets.UTF_8))).get();
        }
        String appId = "ledger-" + topics.prefix().replace(".", "-");
        try (Ledger one = start(cluster, topics, appId, a); Ledger two = start(cluster, topics, appId, b)) {
            Map<String, long[]> expected = expected(usages);
            LedgerClient c1 = new LedgerClient(one.httpUrl());
            LedgerClient c2 = new LedgerClient(two.httpUrl());
            awaitTotals(c1, expected);
            awaitTotals(c2, expected);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                assertThat(c1.job("job-7")).hasValueSatisfying(j -> assertThat(j.attempts()).hasSize(2));
                assertThat(c2.job("job-7")).isEqualTo(c1.job("job-7"));
                assertThat(c1.problems().problems()).hasSize(2);
                assertThat(c2.problems().problems()).hasSize(2);
            });
            // All tenants: each instance gathers the other's part.
            long expectedCost = expected.values().stream().mapToLong(v -> v[0]).sum();
            for (LedgerClient c : List.of(c1, c2)) {
                SpendReport all = c.spend(SpendQuery.allTenants(FROM, TO, Set.of(SpendQuery.Dimension.PROVIDER)));
                assertThat(all.total().costMicros()).isEqualTo(expectedCost);
                assertThat(all.total().attempts()).isEqualTo(usages.size());
                assertThat(all.rows()).extracting(SpendRow::provider).containsExactly("anthropic", "deepseek", "openai");
            }
        }
    }
}
