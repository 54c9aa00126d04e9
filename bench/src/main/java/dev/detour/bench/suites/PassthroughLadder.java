package dev.detour.bench.suites;

import dev.detour.bench.BenchEnvironment;
import dev.detour.bench.Suite;
import dev.detour.bench.internal.AppendSpan;
import dev.detour.bench.internal.BenchCatalog;
import dev.detour.bench.internal.ProduceRequests;
import dev.detour.bench.internal.Records;
import dev.detour.bench.internal.StageCpu;
import dev.detour.bench.internal.Workload;
import dev.detour.bench.report.SuiteReport;
import dev.detour.bench.report.TargetCheck;
import dev.detour.core.ScratchDirectory;
import dev.detour.core.Topics;
import dev.detour.router.Router;
import dev.detour.router.RouterConfig;
import dev.detour.router.RouterConfig.ProcessingGuarantee;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.ConfigRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Throughput ladder on one broker: raw producer, raw consumer, a no-op Kafka Streams passthrough with
 * the pipeline's Avro serde, and the router, each guarantee against the passthrough with the same
 * guarantee. Stages that write are timed by the broker's append times of what they wrote, so the
 * reader measuring them is not part of the figure.
 */
public final class PassthroughLadder implements Suite {
    static final int RECORD_BYTES = 1024;
    /**
     * Records per stage in full mode: at 100,000 a stage lasted 1-3 s, and one round's ratio moved by
     * ±30% between runs of the same code; 300,000 give each stage 1.5-4 s.
     */
    static final int RECORDS = 300_000;
    static final int WARM_UP_RECORDS = 30_000;
    /**
     * Untimed pairs per guarantee before the timed rounds. After one, the JIT compiler threads still
     * took on average 330 ms (bench JVM) and 500 ms (broker) of CPU in a timed at-least-once router
     * window of 4-9 s, 590 / 330 in the passthrough's (six rounds on one VM); after two, 140 / 250 and
     * 260 / 250 (docs/benchmarks.md, "Warm-up").
     */
    static final int WARM_UP_PAIRS = 2;
    /**
     * Paired passthrough/router runs per guarantee in full mode: on the shared 2-core host the rounds of
     * one run gave rate ratios of 0.62, 1.07 and 0.72 (2026-12-02), so the median takes five.
     */
    static final int ROUNDS = 5;

    @Override
    public String name() {
        return "passthrough";
    }

    @Override
    public String description() {
        return "records/s: raw producer, raw consumer, Streams passthrough, router (at-least-once, exactly-once)";
    }

    @Override
    public SuiteReport run(BenchEnvironment env, boolean quick) throws Exception {
        int n = quick ? 3_000 : Integer.getInteger("detour.bench.passthrough.records", RECORDS);
        SuiteReport.Builder report = new SuiteReport.Builder(name(),
                "passthrough ladder (" + String.format(Locale.ROOT, "%,d", n) + " records of ~1 KB, "
                        + BenchEnvironment.PARTITIONS + " partitions, one broker)",
                "stage", "guarantee", "records/s", "MB/s", "ratio to passthrough", "CPU us/record",
                "CPU ratio to passthrough");

        String rawTopic = env.uniquePrefix("raw") + "records";
        env.createAppendTimeTopic(rawTopic, BenchEnvironment.PARTITIONS);
        double producerRate = rawProducer(env, rawTopic, n);
        report.row("raw producer (acks=all)", "-", producerRate, mb(producerRate, RECORD_BYTES), "-", "-", "-");
        report.figure("raw_producer.records_per_s", producerRate);
        double consumerRate = rawConsumer(env, rawTopic, n);
        report.row("raw consumer", "-", consumerRate, mb(consumerRate, RECORD_BYTES), "-", "-", "-");
        report.figure("raw_consumer.records_per_s", consumerRate);

        int avroBytes = avroSize(env);
        report.figure("request.avro_bytes", avroBytes);
        // Quick mode only proves every stage runs; exactly-once doubles the Streams start-ups.
        String onlyGuarantee = System.getProperty("detour.bench.passthrough.guarantee");
        List<ProcessingGuarantee> guarantees = quick ? List.of(ProcessingGuarantee.AT_LEAST_ONCE)
                : onlyGuarantee != null ? List.of(ProcessingGuarantee.valueOf(onlyGuarantee.toUpperCase(Locale.ROOT)))
                : List.of(ProcessingGuarantee.values());
        // Paired rounds, passthrough then router, each pair close in time: a pair's ratio sees the same
        // machine load on both sides; the median pair is reported, every pair is in the notes.
        int rounds = quick ? 1 : Integer.getInteger("detour.bench.passthrough.rounds", ROUNDS);
        int warmUpPairs = Integer.getInteger("detour.bench.passthrough.warmups", WARM_UP_PAIRS);
        for (ProcessingGuarantee g : guarantees) {
            String label = g.name().toLowerCase(Locale.ROOT);
            if (!quick) {
                // Untimed rounds of both stages per guarantee (WARM_UP_PAIRS), full size for the first
                // guarantee: otherwise the JIT compiles through the first timed rounds (C2 threads took 0.3-0.5
                // of the 2 cores in the first at-least-once round after a 30,000-record warm-up, 0.05-0.17 in
                // the second), and under exactly-once the transaction paths, met first by the passthrough, ran
                // cold in it.
                int warmUp = g == guarantees.get(0) ? n : WARM_UP_RECORDS;
                for (int pair = 0; pair < warmUpPairs; pair++) {
                    passthrough(env, g, warmUp, true);
                    router(env, g, warmUp, true);
                }
            }
            List<Pair> pairs = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                Stage pass = passthrough(env, g, n, !quick);
                Stage routed = router(env, g, n, !quick);
                pairs.add(new Pair(pass, routed));
                if (pass.span().total() < n || routed.span().total() < n) {
                    report.note(label + " round " + (round + 1) + ": passthrough wrote " + pass.span().total()
                            + " and the router " + routed.span().total() + " of " + n
                            + " records before the wait ended; rates are over what was written");
                }
            }
            double passRate = median(pairs, p -> p.pass().span().recordsPerSecond());
            double routedRate = median(pairs, p -> p.routed().span().recordsPerSecond());
            double passCpu = median(pairs, p -> p.pass().cpuMicrosPerRecord());
            double routedCpu = median(pairs, p -> p.routed().cpuMicrosPerRecord());
            double ratio = median(pairs, Pair::rateRatio);
            // Per record, router CPU over passthrough CPU: the inverse of the rate ratio were both CPU-bound.
            double cpuRatio = median(pairs, Pair::cpuRatio);
            report.row("Streams passthrough (Avro serde)", label, passRate, mb(passRate, avroBytes), 1.0, passCpu, 1.0);
            report.row("router", label, routedRate, mb(routedRate, avroBytes), ratio, routedCpu, cpuRatio);
            report.figure("passthrough." + label + ".cpu_us_per_record", passCpu);
            report.figure("router." + label + ".cpu_us_per_record", routedCpu);
            report.figure("router." + label + ".cpu_ratio", cpuRatio);
            report.figure("passthrough." + label + ".records_per_s", passRate);
            report.figure("router." + label + ".records_per_s", routedRate);
            report.figure("router." + label + ".ratio", ratio);
            report.figure("passthrough." + label + ".machine_cpu_us_per_record", median(pairs, p -> p.pass().processCpu().machine()));
            report.figure("router." + label + ".machine_cpu_us_per_record", median(pairs, p -> p.routed().processCpu().machine()));
            report.figure("passthrough." + label + ".broker_cpu_us_per_record", median(pairs, p -> p.pass().processCpu().broker()));
            report.figure("router." + label + ".broker_cpu_us_per_record", median(pairs, p -> p.routed().processCpu().broker()));
            report.target(TargetCheck.atLeast("router / passthrough (" + label + ")", 0.8, ratio));
            if (rounds > 1) {
                report.note(label + ", each round (passthrough rec/s, router rec/s, rate ratio, CPU ratio; records "
                        + "in the steady window of each): " + pairs.stream().map(p -> String.format(Locale.ROOT,
                                "%,.0f / %,.0f / %.2f / %.2f (%,d, %,d)", p.pass().span().recordsPerSecond(),
                                p.routed().span().recordsPerSecond(), p.rateRatio(), p.cpuRatio(), p.pass().span().count(),
                                p.routed().span().count())).collect(java.util.stream.Collectors.joining("; ")));
            }
            report.note(label + ", records per produce request, passthrough / router, each round: " + pairs.stream()
                    .map(p -> String.format(Locale.ROOT, "%.0f / %.0f (%.0f / %.0f KB)", p.pass().produced().recordsPerRequest(),
                            p.routed().produced().recordsPerRequest(), p.pass().produced().kilobytesPerRequest(),
                            p.routed().produced().kilobytesPerRequest()))
                    .collect(java.util.stream.Collectors.joining("; ")));
            report.note(label + ", share of the steady window the stream thread was on a CPU, passthrough / router, "
                    + "each round: " + pairs.stream().map(p -> String.format(Locale.ROOT, "%.2f / %.2f",
                            p.pass().streamThreadBusy(), p.routed().streamThreadBusy()))
                    .collect(java.util.stream.Collectors.joining("; ")));
            report.note(label + ", CPU us per record over the same window, passthrough / router, of the whole machine, "
                    + "the broker's process and the stage's process (native RocksDB threads included), each round: "
                    + pairs.stream().map(p -> String.format(Locale.ROOT, "%.1f / %.1f, %.1f / %.1f, %.1f / %.1f",
                            p.pass().processCpu().machine(), p.routed().processCpu().machine(),
                            p.pass().processCpu().broker(), p.routed().processCpu().broker(),
                            p.pass().processCpu().process(), p.routed().processCpu().process()))
                    .collect(java.util.stream.Collectors.joining("; ")));
            report.note(label + ", CPU ms of the JIT compiler threads in the same window, passthrough / router, of the "
                    + "bench JVM and of the broker, each round: " + pairs.stream().map(p -> String.format(Locale.ROOT,
                            "%.0f / %.0f, %.0f / %.0f", p.pass().compilerCpu().bench(), p.routed().compilerCpu().bench(),
                            p.pass().compilerCpu().broker(), p.routed().compilerCpu().broker()))
                    .collect(java.util.stream.Collectors.joining("; ")));
        }
        if (rounds > 1) {
            report.note(rounds + " rounds per guarantee, each a passthrough run then a router run; figures and "
                    + "ratios are the medians over the rounds (the ratios of each round, not of the medians).");
        }
        report.note("Streams stages read records produced beforehand and are timed by the broker append times "
                + "of their output, from the first record appended once the stage is RUNNING (every task's "
                + "stores restored; Kafka Streams processes restored tasks while others still restore) to the "
                + "last, so start-up, restoration and rebalancing are not in the rate; CPU is counted over the "
                + "same window.");
        if (!quick) {
            report.note("Per guarantee, " + warmUpPairs + " untimed round(s) through each Streams stage warm the JIT ("
                    + String.format(Locale.ROOT, "%,d", n) + " records each for the first guarantee, "
                    + String.format(Locale.ROOT, "%,d", WARM_UP_RECORDS) + " for the next).");
        }
        report.note("CPU us/record: CPU time of the stage's Java threads (stream, producer network, admin, global and "
                + "state-updater threads) from the start of the steady window to its last output record (sampled every "
                + "20 ms), per record of the window; it moves less than the rate with what else runs on the machine, "
                + "though on a shared virtual machine it moves too: read the medians. Native RocksDB threads are not "
                + "counted (RocksDB calls made on the stream thread are).");
        RouterConfig defaults = RouterConfig.defaults("x", "y");
        report.note("Both Streams stages run one stream thread with the router's producer linger (" + defaults.lingerMs()
                + " ms), batch size (" + batchBytes() / 1024 + " KiB) and commit interval (" + defaults.withGuarantee(ProcessingGuarantee.AT_LEAST_ONCE)
                .effectiveCommitInterval().toMillis() + " ms at-least-once, " + defaults.withGuarantee(
                ProcessingGuarantee.EXACTLY_ONCE_V2).effectiveCommitInterval().toMillis() + " ms exactly-once); request ~"
                + avroBytes + " bytes in Avro.");
        return report.build();
    }

    /** The router's producer batch size, or {@code -Ddetour.bench.passthrough.batch-bytes} for both stages. */
    private static int batchBytes() {
        return Integer.getInteger("detour.bench.passthrough.batch-bytes", Router.PRODUCER_BATCH_BYTES);
    }

    private static java.util.Map<String, String> withBatchBytes(java.util.Map<String, String> overrides) {
        java.util.Map<String, String> all = new java.util.HashMap<>(overrides);
        all.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), Integer.toString(batchBytes()));
        return all;
    }

    private static double mb(double recordsPerSecond, int bytes) {
        return recordsPerSecond * bytes / 1_000_000.0;
    }

    private static double rawProducer(BenchEnvironment env, String topic, int n) {
        Properties p = env.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        byte[] payload = new byte[RECORD_BYTES];
        new java.util.Random(7).nextBytes(payload);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.partitionsFor(topic); // metadata before the clock starts
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, Integer.toString(i).getBytes(), payload));
            }
            producer.flush();
        }
        AppendSpan span = AppendSpan.awaitAndScan(env.clientProperties(), List.of(topic), n, Duration.ofSeconds(60));
        return span.recordsPerSecond();
    }

    private static double rawConsumer(BenchEnvironment env, String topic, int n) {
        Properties p = env.clientProperties();
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long count = 0;
            long start = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (count < n && System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty() && start == 0) {
                    start = System.nanoTime();
                }
                count += records.count();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return count / seconds;
        }
    }

    private static int avroSize(BenchEnvironment env) {
        Serde<CompletionRequest> serde = env.serdes().serde(CompletionRequest.class);
        return serde.serializer().serialize("size-probe", Workload.kilobyteRequest("job-000000")).length;
    }

    /** Writes n requests to the topic before a stage starts, so the stage runs flat out. */
    private static void preload(BenchEnvironment env, String topic, int n, SpecificRecord configFirst, String configTopic)
            throws Exception {
        try (KafkaProducer<String, SpecificRecord> producer = Records.producer(env.clientProperties(), env.serdes(), 5)) {
            if (configFirst != null) {
                producer.send(new ProducerRecord<>(configTopic, "catalog", configFirst)).get();
            }
            for (int i = 0; i < n; i++) {
                CompletionRequest req = Workload.kilobyteRequest(String.format(Locale.ROOT, "job-%06d", i));
                producer.send(new ProducerRecord<>(topic, req.getJobId(), req));
            }
            producer.flush();
        }
    }

    /** What one Streams stage wrote, and its CPU time per record. */
    private record Stage(AppendSpan span, double cpuMicrosPerRecord, double streamThreadBusy,
                         StageCpu.ProcessCpu processCpu, StageCpu.CompilerCpu compilerCpu, ProduceRequests produced) {}

    /** A passthrough run and the router run right after it. */
    private record Pair(Stage pass, Stage routed) {
        double rateRatio() {
            return routed.span().recordsPerSecond() / pass.span().recordsPerSecond();
        }

        double cpuRatio() {
            return routed.cpuMicrosPerRecord() / pass.cpuMicrosPerRecord();
        }
    }

    private static double median(List<Pair> pairs, java.util.function.ToDoubleFunction<Pair> figure) {
        double[] values = pairs.stream().mapToDouble(figure).sorted().toArray();
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /** @param steady measure from the moment the stage is RUNNING (full mode; a quick run may end before) */
    private static Stage passthrough(BenchEnvironment env, ProcessingGuarantee g, int n, boolean steady) throws Exception {
        String prefix = env.uniquePrefix("passthrough-" + g.name().toLowerCase(Locale.ROOT));
        String in = prefix + "requests";
        String out = prefix + "out";
        env.createTopic(in, BenchEnvironment.PARTITIONS, java.util.Map.of());
        env.createAppendTimeTopic(out, BenchEnvironment.PARTITIONS);
        preload(env, in, n, null, null);

        Serde<CompletionRequest> serde = env.serdes().serde(CompletionRequest.class);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, Consumed.with(Serdes.String(), serde)).to(out, Produced.with(Serdes.String(), serde));
        Properties props = env.clientProperties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "app");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                g == ProcessingGuarantee.EXACTLY_ONCE_V2 ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        ScratchDirectory state = ScratchDirectory.create("bench-passthrough");
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.path().toString());
        RouterConfig routerDefaults = RouterConfig.defaults("x", "y").withGuarantee(g);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), routerDefaults.lingerMs());
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), batchBytes());
        // The router's commit interval too: each commit waits for the producer to drain, and that wait
        // belongs to the cadence, not to routing (docs/benchmarks.md, passthrough).
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, routerDefaults.effectiveCommitInterval().toMillis());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        try (state; KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            StageCpu cpu = StageCpu.fromFirstOutput(env.clientProperties(), out, prefix + "app", env.brokerPid(),
                    () -> !steady || streams.state() == KafkaStreams.State.RUNNING, Duration.ofSeconds(120));
            AppendSpan span = AppendSpan.awaitAndScanSince(env.clientProperties(), List.of(out), n,
                    Duration.ofSeconds(180), cpu.startedAtMs());
            return new Stage(span, cpu.microsPerRecord(span), cpu.streamThreadBusy(span), cpu.processCpu(span),
                    cpu.compilerCpu(span), ProduceRequests.of(prefix + "app"));
        }
    }

    private static Stage router(BenchEnvironment env, ProcessingGuarantee g, int n, boolean steady) throws Exception {
        Topics topics = env.pipelineTopics("router-" + g.name().toLowerCase(Locale.ROOT));
        String provider = "sim";
        env.createAppendTimeTopic(topics.provider(provider), BenchEnvironment.PARTITIONS);
        preload(env, topics.requests(), n, ConfigRecord.newBuilder().setCatalog(BenchCatalog.single(provider)).build(),
                topics.config());
        ScratchDirectory state = ScratchDirectory.create("bench-router");
        RouterConfig config = RouterConfig.defaults(env.bootstrapServers(), env.registryUrl())
                .withTopics(topics)
                .withApplicationId(topics.prefix() + "router")
                .withInstanceId("bench-router")
                .withGuarantee(g)
                .withStateDir(state.path())
                .withStreamsOverrides(withBatchBytes(env.clientOverrides()));
        // Closed in reverse: the router first, then its RocksDB files go.
        try (state; Router router = Router.start(config, env.serdes())) {
            StageCpu cpu = StageCpu.fromFirstOutput(env.clientProperties(), topics.provider(provider),
                    config.applicationId(), env.brokerPid(), () -> !steady || router.state() == KafkaStreams.State.RUNNING,
                    Duration.ofSeconds(120));
            AppendSpan span = AppendSpan.awaitAndScanSince(env.clientProperties(), List.of(topics.provider(provider)), n,
                    Duration.ofSeconds(180), cpu.startedAtMs());
            return new Stage(span, cpu.microsPerRecord(span), cpu.streamThreadBusy(span),
                    cpu.processCpu(span), cpu.compilerCpu(span), ProduceRequests.of(config.applicationId()));
        }
    }
}
