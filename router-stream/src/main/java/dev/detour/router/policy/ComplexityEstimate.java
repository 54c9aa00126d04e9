package dev.detour.router.policy;

import dev.detour.schema.ChatMessage;
import dev.detour.schema.CompletionRequest;
import java.nio.charset.StandardCharsets;
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

    /** Every cue, code cues first; a found cue is one bit of a long. */
    private static final String[] CUES;
    private static final long CODE_BITS;
    /** All cues as one automaton over lower-cased ASCII (see {@link CueAutomaton}). */
    private static final CueAutomaton AUTOMATON;

    static {
        List<String> all = new java.util.ArrayList<>(CODE_CUES);
        all.addAll(REASONING_CUES);
        CUES = all.toArray(String[]::new);
        CODE_BITS = (1L << CODE_CUES.size()) - 1;
        AUTOMATON = CueAutomaton.of(CUES);
    }

    public static ComplexityEstimate of(CompletionRequest request) {
        long chars = 0;
        long found = 0;
        // The first 20k characters of the messages joined by newlines; no cue contains a newline, so
        // each message is searched on its own, without building the joined text.
        int budget = 20_000;
        for (ChatMessage m : request.getMessages()) {
            String content = m.getContent();
            chars += content.length();
            if (budget > 0) {
                int take = Math.min(content.length(), budget);
                found |= cuesIn(take == content.length() ? content : content.substring(0, take));
                budget -= take + 1;
            }
        }
        double tokens = Math.max(1.0, chars / 4.0);
        // 64 tokens or fewer count as trivial, 8k tokens and more as long.
        double length = clamp((log2(tokens) - 6.0) / 7.0);
        double code = Math.min(1.0, Long.bitCount(found & CODE_BITS) / 2.0);
        double reasoning = Math.min(1.0, Long.bitCount(found & ~CODE_BITS) / 2.0);
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

    /**
     * The cues the text contains, ignoring case, as bits over {@link #CUES}: one pass of an automaton
     * over the text's Latin-1 bytes, one table step per character, instead of lower-casing a copy of
     * the prompt and searching it once per cue (that was a fifth of the router's time per request).
     * Same answer as {@code text.toLowerCase(Locale.ROOT).contains(cue)} for every cue: other than ASCII,
     * only U+212A (to "k", in no cue) and U+0130 (to "i" and a combining dot) lower-case to ASCII, and
     * a text with U+0130 is searched exactly that way.
     */
    static long cuesIn(String text) {
        if (text.indexOf('\u0130') >= 0) {
            return cuesByLowerCasing(text);
        }
        // Characters beyond Latin-1 become '?', which no cue contains.
        return AUTOMATON.find(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    static long cuesByLowerCasing(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        long found = 0;
        for (int i = 0; i < CUES.length; i++) {
            if (lower.contains(CUES[i])) {
                found |= 1L << i;
            }
        }
        return found;
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }

    private static double clamp(double v) {
        return Math.max(0.0, Math.min(1.0, v));
    }
}
