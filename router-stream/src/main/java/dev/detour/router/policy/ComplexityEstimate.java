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

    /** Every cue, code cues first; a found cue is one bit of a long. */
    private static final String[] CUES;
    private static final long CODE_BITS;
    /** Indexes into {@link #CUES} by the cue's first character (all cues are lower-case ASCII). */
    private static final int[][] CUES_BY_FIRST_CHAR = new int[128][];

    static {
        List<String> all = new java.util.ArrayList<>(CODE_CUES);
        all.addAll(REASONING_CUES);
        CUES = all.toArray(String[]::new);
        CODE_BITS = (1L << CODE_CUES.size()) - 1;
        for (char c = 0; c < 128; c++) {
            List<Integer> starting = new java.util.ArrayList<>();
            for (int i = 0; i < CUES.length; i++) {
                if (CUES[i].charAt(0) == c) {
                    starting.add(i);
                }
            }
            CUES_BY_FIRST_CHAR[c] = starting.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    public static ComplexityEstimate of(CompletionRequest request) {
        long chars = 0;
        StringBuilder text = new StringBuilder();
        for (ChatMessage m : request.getMessages()) {
            chars += m.getContent().length();
            if (text.length() < 20_000) {
                text.append(m.getContent(), 0, Math.min(m.getContent().length(), 20_000 - text.length())).append('\n');
            }
        }
        long found = cuesIn(text);
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
     * The cues the text contains, ignoring case, as bits over {@link #CUES}: one pass over the text that
     * tries only the cues starting with each character, instead of lower-casing a copy of the prompt and
     * searching it once per cue (that was a fifth of the router's time per request). Same answer as
     * {@code text.toString().toLowerCase(Locale.ROOT).contains(cue)} for every cue: the only non-ASCII
     * character lower-casing to ASCII letters of a cue is U+0130 (to "i" and a combining dot), handled by
     * falling back to exactly that.
     */
    static long cuesIn(CharSequence text) {
        long found = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 128) {
                if (c == '\u0130') {
                    return cuesByLowerCasing(text);
                }
                continue;
            }
            for (int cue : CUES_BY_FIRST_CHAR[lower(c)]) {
                if ((found & (1L << cue)) == 0 && matchesAt(text, i, CUES[cue])) {
                    found |= 1L << cue;
                }
            }
        }
        return found;
    }

    private static boolean matchesAt(CharSequence text, int at, String cue) {
        if (at + cue.length() > text.length()) {
            return false;
        }
        for (int j = 1; j < cue.length(); j++) {
            char c = text.charAt(at + j);
            if (c >= 128 || lower(c) != cue.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    private static char lower(char ascii) {
        return ascii >= 'A' && ascii <= 'Z' ? (char) (ascii + ('a' - 'A')) : ascii;
    }

    static long cuesByLowerCasing(CharSequence text) {
        String lower = text.toString().toLowerCase(Locale.ROOT);
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
