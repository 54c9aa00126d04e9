package dev.detour.router.policy;

import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionRequest;
import java.util.List;
import java.util.Locale;

/**
 * A cheap guess, in [0,1], of how hard a request is: long prompts, code, reasoning cues and large
 * asked outputs push it up. Only used to let simple work start at a cheaper tier when the tenant's
 * policy allows it, so a wrong guess costs quality on easy prompts, never availability.
 *
 * @param value the estimate in [0,1]
 * @param lengthPart contribution of the prompt length
 * @param codePart contribution of code in the prompt
 * @param reasoningPart contribution of reasoning cues
 * @param outputPart contribution of the asked maximum output
 */
public record ComplexityEstimate(double value, double lengthPart, double codePart, double reasoningPart,
                                 double outputPart) {

    static final double LENGTH_WEIGHT = 0.4;
    static final double CODE_WEIGHT = 0.2;
    static final double REASONING_WEIGHT = 0.2;
    static final double OUTPUT_WEIGHT = 0.2;

    private static final List<String> REASONING_CUES = List.of(
            "step by step", "prove", "proof", "derive", "reason", "analy", "explain why", "algorithm",
            "optimi", "debug", "refactor", "architecture", "trade-off", "tradeoff", "theorem", "calculate");

    private static final List<String> CODE_CUES = List.of(
            "```", "def ", "class ", "public static", "function ", "#include", "import ", "select ", "=>", "};");

    public static ComplexityEstimate of(CompletionRequest request) {
        long chars = 0;
        StringBuilder text = new StringBuilder();
        for (ChatMessage m : request.getMessages()) {
            chars += m.getContent().length();
            if (text.length() < 20_000) {
                text.append(m.getContent(), 0, Math.min(m.getContent().length(), 20_000 - text.length())).append('\n');
            }
        }
        String lower = text.toString().toLowerCase(Locale.ROOT);
        double tokens = Math.max(1.0, chars / 4.0);
        // 64 tokens or fewer count as trivial, 8k tokens and more as long.
        double length = clamp((log2(tokens) - 6.0) / 7.0);
        double code = Math.min(1.0, CODE_CUES.stream().filter(lower::contains).count() / 2.0);
        double reasoning = Math.min(1.0, REASONING_CUES.stream().filter(lower::contains).count() / 2.0);
        Integer maxTokens = request.getParams() == null ? null : request.getParams().getMaxTokens();
        // 256 asked tokens or fewer count as short, 4k and more as long.
        double output = maxTokens == null ? 0.25 : clamp((log2(Math.max(1, maxTokens)) - 8.0) / 4.0);
        double lengthPart = LENGTH_WEIGHT * length;
        double codePart = CODE_WEIGHT * code;
        double reasoningPart = REASONING_WEIGHT * reasoning;
        double outputPart = OUTPUT_WEIGHT * output;
        return new ComplexityEstimate(clamp(lengthPart + codePart + reasoningPart + outputPart),
                lengthPart, codePart, reasoningPart, outputPart);
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    private static double clamp(double v) {
        return Math.max(0.0, Math.min(1.0, v));
    }
}
