package dev.detour.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.schema.Catalog;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Host names are resolved: a name that answers with a link-local or metadata address is refused like the
 * literal address. Names are mapped by a test resolver (no /etc/hosts edits, no internet needed);
 * {@code localhost} goes through the JVM's own resolver.
 */
class BaseUrlPolicyTest {

    /** Resolves only the names it knows; everything else does not resolve. */
    private static BaseUrlPolicy.HostResolver names(Map<String, String> table) {
        return host -> {
            String[] ips = table.getOrDefault(host, "").split(",");
            if (ips[0].isEmpty()) {
                throw new UnknownHostException(host);
            }
            InetAddress[] out = new InetAddress[ips.length];
            for (int i = 0; i < ips.length; i++) {
                out[i] = InetAddress.getByName(ips[i]); // literals only: no DNS
            }
            return out;
        };
    }

    private static final BaseUrlPolicy.HostResolver RESOLVER = names(Map.of(
            "imds.attacker.example", "169.254.169.254",
            "imds6.attacker.example", "fd00:ec2::254",
            "linklocal6.example", "2001:db8::1,fe80::1",
            "aliyun-meta.example", "100.100.100.200",
            "mapped.example", "::ffff:169.254.169.254",
            "vllm.internal.example", "10.0.0.7",
            "api.example", "203.0.113.10"));

    @Test
    void aNameThatResolvesToALinkLocalOrMetadataAddressIsRefused() {
        for (String host : new String[]{"imds.attacker.example", "imds6.attacker.example", "linklocal6.example",
                "aliyun-meta.example", "mapped.example"}) {
            assertThat(BaseUrlPolicy.problem("https://" + host + "/v1", false, RESOLVER)).as(host)
                    .hasValueSatisfying(p -> assertThat(p).contains("resolves to a link-local or metadata address")
                            .contains("allowPrivateBaseUrl"));
        }
        assertThat(BaseUrlPolicy.problem("https://imds.attacker.example/v1", false, RESOLVER))
                .hasValueSatisfying(p -> assertThat(p).contains("169.254.169.254"));
    }

    @Test
    void publicPrivateAndUnresolvableNamesPass() {
        assertThat(BaseUrlPolicy.problem("https://api.example/v1", false, RESOLVER)).isEmpty();
        // self-hosted models on private networks stay allowed
        assertThat(BaseUrlPolicy.problem("http://vllm.internal.example:8000/v1", false, RESOLVER)).isEmpty();
        // offline validation: a name that does not resolve fails later, at connection time
        assertThat(BaseUrlPolicy.problem("https://not-resolvable.example/v1", false, RESOLVER)).isEmpty();
    }

    @Test
    void localhostResolvesToLoopbackWhichStaysAllowed() throws Exception {
        assertThat(InetAddress.getAllByName("localhost")).allMatch(InetAddress::isLoopbackAddress);
        assertThat(BaseUrlPolicy.problem("http://localhost:11434/v1", false, BaseUrlPolicy.HostResolver.SYSTEM)).isEmpty();
        assertThat(BaseUrlPolicy.problem("http://localhost:11434/v1", false)).isEmpty();
        assertThat(BaseUrlPolicy.addressProblem("localhost", BaseUrlPolicy.HostResolver.SYSTEM)).isEmpty();
    }

    @Test
    void allowPrivateSkipsTheAddressRulesButNotTheUrlRules() {
        assertThat(BaseUrlPolicy.problem("https://imds.attacker.example/v1", true, RESOLVER)).isEmpty();
        assertThat(BaseUrlPolicy.problem("file:///etc/passwd", true, RESOLVER)).isPresent();
    }

    @Test
    void literalAddressesAreCheckedWithoutResolving() {
        BaseUrlPolicy.HostResolver never = host -> {
            throw new AssertionError("resolved " + host);
        };
        assertThat(BaseUrlPolicy.problem("http://169.254.169.254/latest", false, never)).isPresent();
        assertThat(BaseUrlPolicy.problem("http://[fd00:ec2::254]/latest", false, never)).isPresent();
        assertThat(BaseUrlPolicy.problem("http://100.100.100.200/latest", false, never)).isPresent();
        assertThat(BaseUrlPolicy.problem("http://127.0.0.1:8089/openai/v1", false, never)).isEmpty();
        assertThat(BaseUrlPolicy.addressProblem("169.254.169.254", never)).isPresent();
        // The JVM reads a bare number as an IPv4 address too (2852039166 is 169.254.169.254).
        assertThat(BaseUrlPolicy.addressProblem("2852039166", never)).isPresent();
    }

    @Test
    void ipv4LiteralsAreDigitsAndDotsOnly() {
        assertThat(BaseUrlPolicy.isIpv4Literal("127.0.0.1")).isTrue();
        assertThat(BaseUrlPolicy.isIpv4Literal("2852039166")).isTrue();
        assertThat(BaseUrlPolicy.isIpv4Literal("")).isFalse();
        assertThat(BaseUrlPolicy.isIpv4Literal("api.example")).isFalse();
        assertThat(BaseUrlPolicy.isIpv4Literal("1.2.3.4a")).isFalse();
        assertThat(BaseUrlPolicy.isIpv4Literal("fd00::1")).isFalse();
    }

    @Test
    void ipLiteralsAreIpv4LiteralsOrHaveAColon() {
        assertThat(BaseUrlPolicy.isIpLiteral("127.0.0.1")).isTrue();
        assertThat(BaseUrlPolicy.isIpLiteral("fd00::1")).isTrue();
        assertThat(BaseUrlPolicy.isIpLiteral("api.example")).isFalse();
        assertThat(BaseUrlPolicy.isIpLiteral("")).isFalse();
    }

    @Test
    void theCatalogValidatorResolvesBaseUrlHosts() {
        Catalog catalog = CatalogLoader.parse("""
                version: "t1"
                providers:
                  - {name: openai, apiFamily: OPENAI, baseUrl: "https://imds.attacker.example/v1", keyEnv: OPENAI_API_KEY}
                deployments:
                  - {provider: openai, model: m1, groups: [g], prices: {input: 1, output: 2}}
                groups:
                  - {name: g, models: []}
                """, new CatalogOptions(Map.of(), true));
        assertThat(CatalogValidator.problems(catalog, false, RESOLVER))
                .anySatisfy(p -> assertThat(p.key()).isEqualTo("providers[0](openai).baseUrl"));
        assertThat(CatalogValidator.problems(catalog, true, RESOLVER)).isEmpty();
    }
}
