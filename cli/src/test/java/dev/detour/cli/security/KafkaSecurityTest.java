package dev.detour.cli.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.detour.cli.component.ConfigTopicReader;
import dev.detour.cli.config.DetourConfig;
import dev.detour.cli.runtime.EmbeddedRuntime;
import dev.detour.client.CompletionRequests;
import dev.detour.client.DetourClient;
import dev.detour.client.DetourClientConfig;
import dev.detour.core.TopicProvisioner;
import dev.detour.core.TopicReader;
import dev.detour.core.Topics;
import dev.detour.core.catalog.CatalogLoader;
import dev.detour.core.catalog.CatalogOptions;
import dev.detour.core.config.ConfigKeys;
import dev.detour.registry.RegistryConfig;
import dev.detour.registry.SchemaRegistryServer;
import dev.detour.schema.CompletionResult;
import dev.detour.schema.ResultStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The pipeline on a broker that only speaks SASL_SSL (SCRAM-SHA-512, certificate generated here) and
 * denies everything no ACL grants: each component runs as its own principal with exactly the ACLs of
 * {@link ComponentAccess}; wrong credentials and missing ACLs stop a component with one clear line.
 */
class KafkaSecurityTest {
    private static final String PREFIX = "sec.";
    private static final Topics TOPICS = new Topics(PREFIX, 6, (short) 1);
    private static final List<String> ROLES = List.of("registry", "router", "worker", "ledger", "client", "stranger", "halfrouter", "tenanta",
            "publisher", "tenantop", "reader");

    private static final Topics TENANT_A = new Topics("a.", 1, (short) 1);
    private static final Topics TENANT_B = new Topics("b.", 1, (short) 1);

    @TempDir
    static Path dir;
    static SecureBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        Map<String, String> users = new HashMap<>();
        ROLES.forEach(r -> users.put(r, r + "-pw-" + Long.toHexString(System.nanoTime())));
        broker = SecureBroker.start(dir, users);
        try (Admin admin = admin()) {
            List<Topics.TopicSpec> all = new ArrayList<>(TOPICS.fixed());
            CatalogLoader.loadResource(CatalogLoader.DEMO_RESOURCE, CatalogOptions.DEFAULT).getProviders()
                    .forEach(p -> all.add(TOPICS.providerTopic(p.getName())));
            new TopicProvisioner(admin).ensure(all);
            List<AclBinding> acls = new ArrayList<>();
            acls.addAll(ComponentAccess.registry(TOPICS.schemas()).bindings("User:registry"));
            acls.addAll(ComponentAccess.router(TOPICS, PREFIX + "router").bindings("User:router"));
            acls.addAll(ComponentAccess.worker(TOPICS, PREFIX + "worker").bindings("User:worker"));
            acls.addAll(ComponentAccess.ledger(TOPICS, PREFIX + "ledger").bindings("User:ledger"));
            acls.addAll(ComponentAccess.client(TOPICS).bindings("User:client"));
            acls.addAll(ComponentAccess.configPublisher("catalog", TOPICS).bindings("User:publisher"));
            acls.addAll(ComponentAccess.configPublisher("tenant", TOPICS).bindings("User:tenantop"));
            acls.addAll(ComponentAccess.configReader("providers", TOPICS).bindings("User:reader"));
            // The router's ACLs but one: it may not write results.
            ComponentAccess.router(TOPICS, PREFIX + "router").bindings("User:halfrouter").stream()
                    .filter(b -> !(b.pattern().resourceType() == ResourceType.TOPIC && b.pattern().name().equals(TOPICS.results())
                            && b.entry().operation() == AclOperation.WRITE))
                    .forEach(acls::add);
            // Tenancy by installation prefix: tenant A's principal gets the client ACLs of prefix "a." only.
            new TopicProvisioner(admin).ensure(List.of(TENANT_A.fixed().get(0), TENANT_B.fixed().get(0)));
            acls.addAll(ComponentAccess.client(TENANT_A).bindings("User:tenanta"));
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Admin admin() {
        return admin(SecureBroker.ADMIN);
    }

    private static Admin admin(String user) {
        Map<String, Object> p = new HashMap<>(broker.clientProperties(user));
        p.put("bootstrap.servers", broker.bootstrapServers());
        return Admin.create(p);
    }

    @Test
    void pipelineRunsWithEachComponentAsItsOwnLeastPrivilegedPrincipal() throws Exception {
        Map<String, ComponentAccess> access = Map.of(
                "router", ComponentAccess.router(TOPICS, PREFIX + "router"),
                "worker", ComponentAccess.worker(TOPICS, PREFIX + "worker"),
                "ledger", ComponentAccess.ledger(TOPICS, PREFIX + "ledger"),
                "client", ComponentAccess.client(TOPICS));
        // ACLs reach the broker's authorizer through the metadata log: wait until each principal sees its grants.
        access.forEach((role, a) -> {
            try (Admin admin = admin(role)) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> a.verify(admin));
            }
        });

        EmbeddedRuntime.Options options = EmbeddedRuntime.Options.demo()
                .withBootstrapServers(broker.bootstrapServers())
                .withTopicPrefix(PREFIX)
                .withWorkers(1)
                .withClientProperties("operator", broker.clientProperties(SecureBroker.ADMIN));
        for (String role : List.of("registry", "router", "worker", "ledger")) {
            options = options.withClientProperties(role, broker.clientProperties(role));
        }
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(options);
             DetourClient client = DetourClient.create(DetourClientConfig.of(runtime.bootstrapServers(), runtime.registryUrl())
                     .withTopicPrefix(PREFIX).withKafkaProperties(broker.clientProperties("client")))) {
            List<CompletableFuture<CompletionResult>> results = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                results.add(client.submit(CompletionRequests.userMessage("acme", "balanced", "secure job " + i, Duration.ofMinutes(1))));
            }
            for (CompletableFuture<CompletionResult> r : results) {
                assertThat(r.get(90, TimeUnit.SECONDS).getStatus()).isEqualTo(ResultStatus.SUCCEEDED);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> runtime.ledger().isRunning());
        }
    }

    @Test
    void wrongPasswordStopsAComponentWithOneLineNamingTheCredentials() throws Exception {
        Map<String, String> kafka = broker.clientProperties("router", "not-the-password");
        Cli cli = run("router", kafka);
        assertThat(cli.exit).isEqualTo(2);
        assertThat(cli.errLines()).hasSize(1);
        assertThat(cli.errLines().get(0)).startsWith("detour: Kafka at " + broker.bootstrapServers() + " rejected this component's credentials")
                .doesNotContain("not-the-password");
    }

    @Test
    void aPrincipalWithoutAclsStopsWithOneLineNamingTheTopic() throws Exception {
        Cli cli = run("router", broker.clientProperties("stranger"));
        assertThat(cli.exit).isEqualTo(2);
        assertThat(cli.errLines()).containsExactly("detour: router: not authorized to access topic " + TOPICS.requests()
                + " (needs describe+read); grant the router ACLs in docs/operations.md");
    }

    @Test
    void oneMissingAclIsNamedWithItsOperation() throws Exception {
        try (Admin admin = admin("halfrouter")) {
            // wait until the grants are visible (the requests topic is the first checked)
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                    assertThat(admin.describeTopics(List.of(TOPICS.requests())).allTopicNames().get()).isNotEmpty());
        }
        Cli cli = run("router", broker.clientProperties("halfrouter"));
        assertThat(cli.exit).isEqualTo(2);
        assertThat(cli.errLines()).containsExactly("detour: router: not authorized to write topic " + TOPICS.results()
                + "; grant the router ACLs in docs/operations.md");
    }

    @Test
    void aTenantPrincipalCanPublishOnlyToItsOwnInstallationsRequestsTopic() throws Exception {
        Map<String, Object> p = new HashMap<>(broker.clientProperties("tenanta"));
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("max.block.ms", "10000");
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(p,
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(TENANT_A.requests(), "job", "x"))
                            .get(10, TimeUnit.SECONDS) != null);
            for (String other : List.of(TENANT_B.requests(), TOPICS.requests())) {
                assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> producer.send(
                        new org.apache.kafka.clients.producer.ProducerRecord<>(other, "job", "x")).get(10, TimeUnit.SECONDS)))
                        .as(other).hasRootCauseInstanceOf(org.apache.kafka.common.errors.TopicAuthorizationException.class);
            }
        }
    }

    @Test
    void catalogAndTenantCommandsPublishAndTheWorkersConfigReaderFollowsThemEachAsItsOwnPrincipal() throws Exception {
        awaitGrants("publisher", ComponentAccess.configPublisher("catalog", TOPICS));
        awaitGrants("tenantop", ComponentAccess.configPublisher("tenant", TOPICS));
        awaitGrants("worker", ComponentAccess.worker(TOPICS, PREFIX + "worker"));
        try (SchemaRegistryServer registry = SchemaRegistryServer.start(RegistryConfig.of(broker.bootstrapServers())
                .withTopic(TOPICS.schemas()).withKafkaClientProps(broker.clientProperties("registry")))) {
            Cli catalog = run(registry.url(), broker.clientProperties("publisher"), "catalog");
            assertThat(catalog.exit).as(catalog.err).isZero();
            Cli tenant = run(registry.url(), broker.clientProperties("tenantop"), "tenant", "acl-tenant", "--strategy", "cost");
            assertThat(tenant.exit).as(tenant.err).isZero();

            // The worker's catalog follower, as the worker principal (READ on the config topic, no group).
            try (ConfigTopicReader reader = new ConfigTopicReader(componentConfig(registry.url(), "worker"))) {
                assertThat(reader.catalog()).isNotNull();
                assertThat(reader.catalog().getVersion()).isEqualTo(CatalogLoader.loadDefault().getVersion());
            }
            // A principal with only the config reader's ACLs (e.g. for `detour providers`) reads it too.
            awaitGrants("reader", ComponentAccess.configReader("providers", TOPICS));
            try (ConfigTopicReader reader = new ConfigTopicReader(componentConfig(registry.url(), "reader"))) {
                assertThat(reader.catalog()).isNotNull();
            }
            Map<String, Object> p = new HashMap<>(broker.clientProperties("worker"));
            p.put("bootstrap.servers", broker.bootstrapServers());
            List<String> keys = new ArrayList<>();
            try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(p,
                    new org.apache.kafka.common.serialization.StringDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
                TopicReader.readToEnd(consumer, TopicReader.assignFromBeginning(consumer, TOPICS.config(), Duration.ofSeconds(30)),
                        r -> keys.add(r.key()));
            }
            assertThat(keys).contains(ConfigKeys.CATALOG, ConfigKeys.tenant("acl-tenant"));
        }
    }

    @Test
    void aPublisherWithoutWriteOnTheConfigTopicStopsWithOneLine() throws Exception {
        // The worker may read the config topic but not write it.
        awaitGrants("worker", ComponentAccess.worker(TOPICS, PREFIX + "worker"));
        Cli cli = run("http://127.0.0.1:1", broker.clientProperties("worker"), "tenant", "intruder");
        assertThat(cli.exit).isEqualTo(2);
        assertThat(cli.errLines()).containsExactly("detour: tenant: not authorized to write topic " + TOPICS.config()
                + "; grant the tenant ACLs in docs/operations.md");
    }

    @Test
    void aConfigReaderWithoutReadOnTheConfigTopicFailsWithOneLine() {
        // The client principal has no ACL on the config topic.
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new ConfigTopicReader(componentConfig("http://127.0.0.1:1", "client"))))
                .isInstanceOf(ComponentAccess.AccessDeniedException.class)
                .hasMessage("config reader: not authorized to read topic " + TOPICS.config()
                        + " (needs describe+read); grant the config reader ACLs in docs/operations.md");
    }

    private static void awaitGrants(String user, ComponentAccess access) {
        try (Admin admin = admin(user)) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> access.verify(admin));
        }
    }

    private static DetourConfig componentConfig(String registryUrl, String user) {
        Map<String, String> values = new HashMap<>();
        values.put("kafka.bootstrap.servers", broker.bootstrapServers());
        values.put("registry.url", registryUrl);
        values.put("topics.prefix", PREFIX);
        broker.clientProperties(user).forEach((k, v) -> values.put("kafka." + k, v));
        return DetourConfig.of(values);
    }

    private record Cli(int exit, String err) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private Cli run(String command, Map<String, String> kafka) throws Exception {
        return run("http://127.0.0.1:1", kafka, command);
    }

    private Cli run(String registryUrl, Map<String, String> kafka, String... args) throws Exception {
        StringBuilder yaml = new StringBuilder("topics:\n  prefix: \"" + PREFIX + "\"\nregistry:\n  url: \"" + registryUrl + "\"\nkafka:\n");
        yaml.append("  bootstrap.servers: \"").append(broker.bootstrapServers()).append("\"\n");
        kafka.forEach((k, v) -> yaml.append("  ").append(k).append(": \"").append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n"));
        Path config = Files.createTempFile(dir, "detour-", ".yaml");
        Files.writeString(config, yaml);
        StringWriter err = new StringWriter();
        CommandLine cl = dev.detour.cli.DetourAccess.commandLine();
        cl.setErr(new PrintWriter(err, true));
        List<String> argv = new ArrayList<>(List.of(args));
        argv.addAll(List.of("--config", config.toString()));
        int exit = cl.execute(argv.toArray(String[]::new));
        return new Cli(exit, err.toString());
    }
}
