package dev.detour.gateway.internal;

import com.sun.net.httpserver.Headers;
import dev.detour.gateway.openai.OpenAiError;
import java.time.Duration;

/**
 * How long the caller is willing to wait, from its headers: {@code x-detour-timeout-ms} (milliseconds),
 * else the Stainless SDKs' {@code X-Stainless-Timeout} / {@code X-Stainless-Read-Timeout} (seconds,
 * possibly fractional), else the default; never more than the maximum. The job's deadline is this
 * much after arrival, so the pipeline stops trying when the caller has stopped waiting.
 */
public final class CallerTimeout {

    /** The answer: a timeout, or the error naming the bad header. */
    public sealed interface Parsed permits Ok, Bad {}

    public record Ok(Duration timeout) implements Parsed {}

    public record Bad(OpenAiError error) implements Parsed {}

    private CallerTimeout() {}

    public static Parsed of(Headers headers, Duration defaultTimeout, Duration max) {
        String ms = headers.getFirst("x-detour-timeout-ms");
        if (ms != null) {
            try {
                long v = Long.parseLong(ms.trim());
                if (v <= 0) {
                    throw new NumberFormatException();
                }
                return new Ok(clamp(Duration.ofMillis(v), max));
            } catch (NumberFormatException e) {
                return new Bad(OpenAiError.badParameter("x-detour-timeout-ms",
                        "Header 'x-detour-timeout-ms' must be a positive integer of milliseconds."));
            }
        }
        for (String h : new String[] {"X-Stainless-Timeout", "X-Stainless-Read-Timeout"}) {
            String s = headers.getFirst(h);
            if (s != null) {
                try {
                    double v = Double.parseDouble(s.trim());
                    if (!(v > 0) || Double.isInfinite(v)) {
                        throw new NumberFormatException();
                    }
                    return new Ok(clamp(Duration.ofMillis((long) Math.ceil(v * 1000)), max));
                } catch (NumberFormatException e) {
                    return new Bad(OpenAiError.badParameter(h, "Header '" + h + "' must be a positive number of seconds."));
                }
            }
        }
        return new Ok(clamp(defaultTimeout, max));
    }

    private static Duration clamp(Duration d, Duration max) {
        return d.compareTo(max) > 0 ? max : d;
    }
}
