package dev.mailferry.core.spi;

import java.io.ByteArrayInputStream;

/**
 * A raw message the engine already holds in memory, handed to {@link TargetFolderWriter#append} as a stream. A target
 * that needs the whole message in memory anyway (to group appends) takes the array with {@link #takeAll()} instead of
 * reading a second copy. Nobody changes the array once it is wrapped.
 */
public final class InMemoryMessage extends ByteArrayInputStream {

    public InMemoryMessage(byte[] bytes) {
        super(bytes);
    }

    /**
     * The whole message, and the stream is then at its end; null when part of it was read already (read the rest
     * instead).
     */
    public synchronized byte[] takeAll() {
        if (pos != 0 || count != buf.length) {
            return null;
        }
        pos = count;
        return buf;
    }
}
