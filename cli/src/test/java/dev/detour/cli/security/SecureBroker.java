package dev.detour.cli.security;

import dev.detour.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The embedded broker with its client listener on SASL_SSL (SCRAM-SHA-512), a self-signed certificate
 * made with the JDK's keytool, and the StandardAuthorizer denying everything not granted by an ACL.
 * The broker's own principal ({@code admin}) is the only super user.
 */
public final class SecureBroker implements AutoCloseable {
    static final String STORE_PASSWORD = "changeit-test";
    public static final String ADMIN = "admin";

    private final EmbeddedKafka kafka;
    private final Path truststore;
    private final Map<String, String> passwords;

    private SecureBroker(EmbeddedKafka kafka, Path truststore, Map<String, String> passwords) {
        this.kafka = kafka;
        this.truststore = truststore;
        this.passwords = passwords;
    }

    /** @param users SCRAM user names and passwords created at format time (admin is added) */
    public static SecureBroker start(Path dir, Map<String, String> users) throws Exception {
        Path keystore = dir.resolve("broker.p12");
        Path cert = dir.resolve("broker.crt");
        Path truststore = dir.resolve("truststore.p12");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        keytool("-exportcert", "-alias", "broker", "-rfc", "-file", cert.toString(),
                "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD);
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(),
                "-keystore", truststore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);

        Map<String, String> passwords = new HashMap<>(users);
        passwords.put(ADMIN, "admin-secret");
        List<String> scram = new ArrayList<>();
        passwords.forEach((u, p) -> scram.add("SCRAM-SHA-512=[name=" + u + ",password=" + p + "]"));

        EmbeddedKafka.Builder b = EmbeddedKafka.builder()
                // The client listener keeps its name and changes protocol: no need to know the controller's port.
                .property("listener.security.protocol.map", "PLAINTEXT:SASL_SSL,CONTROLLER:PLAINTEXT")
                .property("sasl.enabled.mechanisms", "SCRAM-SHA-512")
                .property("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512")
                .property("listener.name.plaintext.scram-sha-512.sasl.jaas.config", jaas(ADMIN, passwords.get(ADMIN)))
                .property("ssl.keystore.location", keystore.toString())
                .property("ssl.keystore.type", "PKCS12")
                .property("ssl.keystore.password", STORE_PASSWORD)
                .property("ssl.key.password", STORE_PASSWORD)
                // the broker checks at start that a client trusting this store accepts its certificate
                .property("ssl.truststore.location", truststore.toString())
                .property("ssl.truststore.type", "PKCS12")
                .property("ssl.truststore.password", STORE_PASSWORD)
                .property("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                // ANONYMOUS is the node itself on the (loopback-only) controller listener.
                .property("super.users", "User:" + ADMIN + ";User:ANONYMOUS")
                .property("allow.everyone.if.no.acl.found", "false")
                .property(EmbeddedKafka.SCRAM_USERS_KEY, String.join(";", scram));
        SecureBroker probe = new SecureBroker(null, truststore, passwords);
        probe.clientProperties(ADMIN).forEach((k, v) -> b.property(EmbeddedKafka.CLIENT_PREFIX + k, v));
        return new SecureBroker(b.build().start(), truststore, passwords);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** What a component of this user puts under {@code kafka.} in its config. */
    public Map<String, String> clientProperties(String user) {
        return clientProperties(user, passwords.get(user));
    }

    public Map<String, String> clientProperties(String user, String password) {
        Map<String, String> p = new HashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("sasl.jaas.config", jaas(user, password));
        p.put("ssl.truststore.location", truststore.toString());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.password", STORE_PASSWORD);
        return p;
    }

    static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }

    @Override
    public void close() {
        if (kafka != null) {
            kafka.close();
        }
    }
}
