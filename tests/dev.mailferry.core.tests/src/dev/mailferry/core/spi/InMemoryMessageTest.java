package dev.mailferry.core.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InMemoryMessageTest {

    @Test
    void takesTheWholeArrayOnceAndLeavesTheStreamAtItsEnd() {
        byte[] raw = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        InMemoryMessage message = new InMemoryMessage(raw);
        assertSame(raw, message.takeAll());
        assertEquals(-1, message.read());
        assertNull(message.takeAll());
    }

    @Test
    void aPartlyReadMessageIsNotTakenWhole() throws Exception {
        byte[] raw = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        InMemoryMessage message = new InMemoryMessage(raw);
        assertEquals('S', message.read());
        assertNull(message.takeAll());
        byte[] rest = message.readAllBytes();
        assertArrayEquals(java.util.Arrays.copyOfRange(raw, 1, raw.length), rest);
    }
}
