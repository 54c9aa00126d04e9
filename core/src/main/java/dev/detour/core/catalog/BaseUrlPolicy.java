package dev.detour.core.catalog;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which upstream URLs a provider may have. Base URLs come only from configuration; this policy keeps a
 * mistaken or hostile configuration from pointing a worker (which holds API keys) at a cloud metadata
 * service or a link-local address, where a request with a key in its headers could leak credentials or
 * reach instance secrets.
 *
 * <p>Rules: scheme http or https; a host; no user-info (credentials in URLs end up in logs), no query
 * and no fragment (the adapter appends paths and its own query). Link-local addresses (169.254.0.0/16,
 * fe80::/10) and well-known metadata host names are refused unless {@code allowPrivate} is set.
 * Loopback stays allowed: self-hosted vLLM/Ollama and the simulator live there. Host names are not
 * resolved here (configuration is validated offline); only literal addresses and known names are checked.
 */
public final class BaseUrlPolicy {

    private static final Set<String> METADATA_HOSTS = Set.of(
            "metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal",
            "metadata.azure.com", "100.100.100.200");

    private BaseUrlPolicy() {}

    /** Empty when the URL is acceptable, otherwise why not (secret-free: the URL has no query or user-info). */
    public static Optional<String> problem(String baseUrl, boolean allowPrivate) {
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
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (METADATA_HOSTS.contains(h)) {
            return Optional.of("base URL points at a cloud metadata service (set allowPrivateBaseUrl to override)");
        }
        if (isLinkLocalLiteral(h)) {
            return Optional.of("base URL points at a link-local address (set allowPrivateBaseUrl to override)");
        }
        return Optional.empty();
    }

    private static boolean isLinkLocalLiteral(String host) {
        boolean ipv4 = host.matches("[0-9.]+");
        boolean ipv6 = host.contains(":");
        if (!ipv4 && !ipv6) {
            return false;
        }
        try {
            // A literal: getByName does not touch DNS for literals.
            InetAddress addr = InetAddress.getByName(host);
            if (addr.isLinkLocalAddress()) {
                return true;
            }
            // AWS IMDS over IPv6 (fd00:ec2::254) is not link-local by prefix.
            return addr instanceof Inet6Address && host.startsWith("fd00:ec2:");
        } catch (Exception e) {
            return false;
        }
    }
}
