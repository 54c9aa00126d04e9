package dev.detour.core.catalog;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Which upstream URLs a provider may have. Base URLs come only from configuration; this policy keeps a
 * mistaken or hostile configuration from pointing a worker (which holds API keys) at a cloud metadata
 * service or a link-local address, where a request with a key in its headers could leak credentials or
 * reach instance secrets.
 *
 * <p>Rules: scheme http or https; a host; no user-info (credentials in URLs end up in logs), no query
 * and no fragment (the adapter appends paths and its own query). Link-local addresses (169.254.0.0/16,
 * fe80::/10), the metadata addresses that are not link-local (AWS' fd00:ec2::254, Alibaba's
 * 100.100.100.200) and well-known metadata host names are refused unless {@code allowPrivate} is set.
 * A host name is resolved and refused when any of its addresses is one of those; a name that does not
 * resolve (offline validation) passes here and fails at connection time. Loopback and private ranges
 * stay allowed: self-hosted vLLM/Ollama and the simulator live there.
 *
 * <p>Resolution at validation time alone does not stop DNS rebinding (the name answers differently
 * later), so adapters check {@link #addressProblem} again right before each connection.
 */
public final class BaseUrlPolicy {

    private static final Set<String> METADATA_HOSTS = Set.of(
            "metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal",
            "metadata.azure.com", "100.100.100.200");

    private static final String OVERRIDE = " (set allowPrivateBaseUrl to override)";

    /**
     * Host name to addresses: a seam so tests can make a name resolve to a link-local address without
     * editing /etc/hosts. An empty array or {@link UnknownHostException} means "does not resolve".
     */
    @FunctionalInterface
    public interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;

        /**
         * The JVM's resolver (and its cache, which the HTTP client's own connection uses too), bounded in
         * time: a lookup that hangs on an unreachable DNS server counts as not resolving.
         */
        HostResolver SYSTEM = host -> {
            CompletableFuture<InetAddress[]> lookup = new CompletableFuture<>();
            Thread.ofVirtual().name("detour-resolve").start(() -> {
                try {
                    lookup.complete(InetAddress.getAllByName(host));
                } catch (Throwable t) {
                    lookup.completeExceptionally(t);
                }
            });
            try {
                return lookup.get(Duration.ofSeconds(3).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnknownHostException(host);
            } catch (ExecutionException | TimeoutException e) {
                throw new UnknownHostException(host);
            }
        };
    }

    private BaseUrlPolicy() {}

    /** Empty when the URL is acceptable, otherwise why not (secret-free: the URL has no query or user-info). */
    public static Optional<String> problem(String baseUrl, boolean allowPrivate) {
        return problem(baseUrl, allowPrivate, HostResolver.SYSTEM);
    }

    /** As {@link #problem(String, boolean)}, resolving host names with {@code resolver}. */
    public static Optional<String> problem(String baseUrl, boolean allowPrivate, HostResolver resolver) {
        if (baseUrl == null || baseUrl.isBlank()) {
            return Optional.of("base URL is missing");
        }
        URI uri;
        try {
            uri = new URI(baseUrl.trim());
        } catch (URISyntaxException e) {
            return Optional.of("base URL is not a valid URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("base URL must use http or https");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("base URL must not contain user-info (credentials)");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return Optional.of("base URL must not have a query or fragment");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            return Optional.of("base URL has no host");
        }
        if (allowPrivate) {
            return Optional.empty();
        }
        String h = normalize(host);
        if (METADATA_HOSTS.contains(h)) {
            return Optional.of("base URL points at a cloud metadata service" + OVERRIDE);
        }
        Optional<InetAddress> literal = literal(h);
        if (literal.isPresent()) {
            return forbidden(literal.get()) ? Optional.of("base URL points at a link-local or metadata address" + OVERRIDE) : Optional.empty();
        }
        return addressProblem(h, resolver).map(p -> "base URL " + p + OVERRIDE);
    }

    /**
     * Checks the addresses {@code host} resolves to now: what an adapter calls right before connecting,
     * so a name that was fine at validation and later answers with a metadata address (DNS rebinding)
     * gets no request and no key. Empty when the host is a name that does not resolve (the connection
     * fails on its own) or when every address is allowed.
     */
    public static Optional<String> addressProblem(String host, HostResolver resolver) {
        String h = normalize(host);
        if (METADATA_HOSTS.contains(h)) {
            return Optional.of("host " + h + " is a cloud metadata service");
        }
        Optional<InetAddress> literal = literal(h);
        if (literal.isPresent()) {
            return forbidden(literal.get()) ? Optional.of("host " + h + " is a link-local or metadata address") : Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(h);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        if (addresses == null) {
            return Optional.empty();
        }
        return Arrays.stream(addresses).filter(BaseUrlPolicy::forbidden).findFirst()
                .map(a -> "host " + h + " resolves to a link-local or metadata address (" + a.getHostAddress() + ")");
    }

    /** Link-local (IPv4 169.254/16, IPv6 fe80::/10) or a metadata address outside those ranges. */
    public static boolean forbidden(InetAddress addr) {
        if (addr.isLinkLocalAddress()) {
            return true;
        }
        byte[] b = addr.getAddress();
        if (addr instanceof Inet4Address) {
            return (b[0] & 0xff) == 100 && (b[1] & 0xff) == 100 && (b[2] & 0xff) == 100 && (b[3] & 0xff) == 200;
        }
        // AWS IMDS over IPv6: fd00:ec2::254 (unique-local, not link-local by prefix).
        return addr instanceof Inet6Address && (b[0] & 0xff) == 0xfd && b[1] == 0 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2;
    }

    private static String normalize(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    /**
     * True when {@code host} is digits and dots only, which the JVM reads as an IPv4 address without DNS.
     * A character loop, not a regular expression: this runs before every provider call.
     */
    public static boolean isIpv4Literal(String host) {
        if (host.isEmpty()) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** True when {@code host} is an IPv4 literal ({@link #isIpv4Literal}) or an IPv6 one (it has a colon). */
    public static boolean isIpLiteral(String host) {
        return isIpv4Literal(host) || host.indexOf(':') >= 0;
    }

    /** The address when {@code host} is an IP literal (no DNS involved), else empty. */
    private static Optional<InetAddress> literal(String host) {
        if (!isIpLiteral(host)) {
            return Optional.empty();
        }
        try {
            // getByName does not touch DNS for literals.
            return Optional.of(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
