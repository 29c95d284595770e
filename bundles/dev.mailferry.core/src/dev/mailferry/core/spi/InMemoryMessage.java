package dev.mailferry.core.spi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A raw message already in memory, as a stream over part of an array. Whoever receives one may keep its bytes with
 * {@link #takeAll()} instead of reading a copy: a source hands its fetched bytes to the engine this way, and the engine
 * hands them to a target that holds messages in memory anyway (to group appends). Nobody changes the array once it is
 * wrapped, and the giver does not reuse it.
 */
public final class InMemoryMessage extends ByteArrayInputStream {

    /** {@code length} bytes of {@code array} from {@code offset}: the message, not a copy of it. */
    public record Bytes(byte[] array, int offset, int length) {

        public Bytes {
            if (offset < 0 || length < 0 || offset + length > array.length) {
                throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + " of " + array.length);
            }
        }

        public static Bytes of(byte[] array) {
            return new Bytes(array, 0, array.length);
        }

        public InMemoryMessage stream() {
            return new InMemoryMessage(this);
        }
    }

    private final Bytes bytes;

    public InMemoryMessage(Bytes bytes) {
        super(bytes.array(), bytes.offset(), bytes.length());
        this.bytes = bytes;
    }

    /**
     * The rest of {@code raw}: taken without a copy when it is a whole {@code InMemoryMessage}, read into a new array
     * otherwise.
     */
    public static Bytes keepOrRead(InputStream raw) throws IOException {
        if (raw instanceof InMemoryMessage inMemory) {
            Bytes bytes = inMemory.takeAll();
            if (bytes != null) {
                return bytes;
            }
        }
        return Bytes.of(raw.readAllBytes());
    }

    /** The whole message, and the stream is then at its end; null when part of it was read already (read the rest). */
    public synchronized Bytes takeAll() {
        if (pos != bytes.offset() || count != bytes.offset() + bytes.length()) {
            return null;
        }
        pos = count;
        return bytes;
    }
}
