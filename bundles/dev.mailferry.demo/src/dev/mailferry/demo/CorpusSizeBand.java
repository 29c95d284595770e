package dev.mailferry.demo;

/**
 * A range of message sizes and the share of a corpus's messages that fall in it. Sizes inside a band are drawn
 * log-uniformly (small sizes more common than large ones, as in real mailboxes).
 *
 * @param share    fraction of all messages, 0..1; the shares of a mix should add up to 1
 * @param minBytes smallest raw message size in the band
 * @param maxBytes largest raw message size in the band
 */
public record CorpusSizeBand(String name, double share, long minBytes, long maxBytes) {

    public CorpusSizeBand {
        if (share < 0 || share > 1) {
            throw new IllegalArgumentException("share must be between 0 and 1: " + share);
        }
        if (minBytes < 1024 || maxBytes < minBytes) {
            throw new IllegalArgumentException("need 1024 <= minBytes <= maxBytes: " + minBytes + ".." + maxBytes);
        }
    }

    public boolean contains(long size) {
        return size >= minBytes && size <= maxBytes;
    }
}
