package dev.mailferry.demo;

/**
 * The corpus options that {@link DemoEnvironmentMain} and {@link MaildirFill} share ({@code --preset small|text|benchmark},
 * {@code --messages N}, {@code --seed S}, {@code --near-limit}, {@code --over-limit}), parsed and turned into a
 * {@link CorpusSpec} in one place so the two command lines cannot drift apart.
 */
final class CorpusOptions {

    private String preset = "small";
    private Integer messages;
    private long seed = 1;
    private boolean nearLimit;
    private boolean overLimit;

    /**
     * Takes the corpus option at {@code args[i]}, with its value if it has one, and returns the index of the last
     * argument it used; throws {@link IllegalArgumentException} for an option that is not a corpus option.
     */
    int parse(String[] args, int i) {
        switch (args[i]) {
        case "--preset" -> preset = args[++i];
        case "--messages" -> messages = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--near-limit" -> nearLimit = true;
        case "--over-limit" -> overLimit = true;
        default -> throw new IllegalArgumentException("Unknown option " + args[i]);
        }
        return i;
    }

    boolean hasKnownPreset() {
        return preset.equals("small") || preset.equals("text") || preset.equals("benchmark");
    }

    /** The spec the options ask for; throws {@link IllegalArgumentException} for a negative message count. */
    CorpusSpec spec() {
        CorpusSpec spec = switch (preset) {
        case "benchmark" -> CorpusSpec.benchmark(seed);
        case "text" -> CorpusSpec.text(seed, 200);
        default -> CorpusSpec.small(seed, 200);
        };
        if (messages != null) {
            spec = spec.withMessageCount(messages);
        }
        return spec.withLimitMessages(nearLimit, overLimit);
    }
}
