package dev.mailferry.core.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InMemoryMessageTest {

    static final byte[] RESPONSE = "* 1 FETCH (BODY[] {20}\r\nSubject: x\r\n\r\nbody\r\n)\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void takesTheSliceOnceWithoutCopyingAndLeavesTheStreamAtItsEnd() {
        InMemoryMessage.Bytes slice = new InMemoryMessage.Bytes(RESPONSE, 24, 20);
        InMemoryMessage message = slice.stream();
        assertSame(slice, message.takeAll());
        assertSame(RESPONSE, slice.array());
        assertEquals(-1, message.read());
        assertNull(message.takeAll());
    }

    @Test
    void readsExactlyTheSlice() throws Exception {
        byte[] read = new InMemoryMessage.Bytes(RESPONSE, 24, 20).stream().readAllBytes();
        assertEquals("Subject: x\r\n\r\nbody\r\n", new String(read, StandardCharsets.US_ASCII));
    }

    @Test
    void aPartlyReadMessageIsNotTakenWhole() throws Exception {
        byte[] raw = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        InMemoryMessage message = InMemoryMessage.Bytes.of(raw).stream();
        assertEquals('S', message.read());
        assertNull(message.takeAll());
        assertArrayEquals(Arrays.copyOfRange(raw, 1, raw.length), message.readAllBytes());
    }

    @Test
    void keepsAWholeInMemoryMessageAndReadsAnyOtherStream() throws Exception {
        InMemoryMessage.Bytes slice = new InMemoryMessage.Bytes(RESPONSE, 24, 20);
        assertSame(slice, InMemoryMessage.keepOrRead(slice.stream()));
        InMemoryMessage.Bytes read = InMemoryMessage.keepOrRead(new java.io.ByteArrayInputStream(RESPONSE, 24, 20));
        assertEquals(0, read.offset());
        assertEquals("Subject: x\r\n\r\nbody\r\n", new String(read.array(), StandardCharsets.US_ASCII));
    }

    @Test
    void aSliceMustLieInsideItsArray() {
        assertThrows(IndexOutOfBoundsException.class, () -> new InMemoryMessage.Bytes(RESPONSE, 40, 20));
    }
}
