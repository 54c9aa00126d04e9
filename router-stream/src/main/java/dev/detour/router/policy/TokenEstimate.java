package dev.detour.router.policy;

import dev.detour.core.catalog.Pricing;
import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.DeploymentSpec;
import dev.detour.schema.TokenUsage;

/**
 * Tokens a request will probably bill, before any tokenizer runs: about four characters per input
 * token plus a few per message, and the asked maximum output (or a default) for the output.
 */
public record TokenEstimate(long inputTokens, long outputTokens) {

    static final int PER_MESSAGE_OVERHEAD = 4;

    public static TokenEstimate of(CompletionRequest request, double charsPerToken, int defaultOutputTokens) {
        long chars = 0;
        for (ChatMessage m : request.getMessages()) {
            chars += m.getContent().length();
        }
        long input = (long) Math.ceil(chars / charsPerToken) + (long) PER_MESSAGE_OVERHEAD * request.getMessages().size();
        Integer max = request.getParams() == null ? null : request.getParams().getMaxTokens();
        long output = max == null ? defaultOutputTokens : Math.max(0, max);
        return new TokenEstimate(input, output);
    }

    /** Output tokens this deployment can actually produce. */
    public long outputFor(DeploymentSpec d) {
        Integer cap = d.getMaxOutputTokens();
        return cap == null ? outputTokens : Math.min(outputTokens, cap);
    }

    /** Expected list cost on this deployment, in micro-dollars, priced as the ledger prices. */
    public long costMicros(DeploymentSpec d) {
        // Constructor rather than Pricing.estimate's builder: this runs per candidate per decision.
        return Pricing.cost(new TokenUsage(inputTokens, outputFor(d), 0L, 0L, 0L), d.getPrices());
    }
}
