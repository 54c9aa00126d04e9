package dev.detour.providers.internal;

import java.util.regex.Pattern;

/**
 * Makes provider error text safe to put in results, topics and logs. Providers echo parts of keys
 * ("Incorrect API key provided: sk-abc***xyz") and proxies echo URLs; neither may leave the worker.
 */
public final class SecretScrubber {

    private static final int MAX_LENGTH = 400;
    private static final Pattern KEY_LIKE = Pattern.compile(
            "(sk-[A-Za-z0-9_*.\\-]{3,}|sk_[A-Za-z0-9_*.\\-]{6,}|AIza[0-9A-Za-z_\\-*]{6,}|gsk_[A-Za-z0-9*]{6,}|xai-[A-Za-z0-9*]{6,}"
                    + "|Bearer\\s+[A-Za-z0-9._~+/*\\-]+=*)");
    private static final Pattern QUERY = Pattern.compile("(https?://[^\\s\"'?]*)\\?[^\\s\"']*");
    private static final Pattern KEY_PARAM = Pattern.compile("(?i)((?:api[_-]?)?key=)[^&\\s\"']+");

    private SecretScrubber() {}

    public static String scrub(String text, String key) {
        if (text == null) {
            return null;
        }
        String s = text;
        if (key != null && key.length() >= 4) {
            s = s.replace(key, "[redacted]");
        }
        s = KEY_LIKE.matcher(s).replaceAll("[redacted]");
        s = QUERY.matcher(s).replaceAll("$1?[query removed]");
        s = KEY_PARAM.matcher(s).replaceAll("$1[redacted]");
        s = s.replaceAll("\\s+", " ").strip();
        return s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) + "..." : s;
    }
}
