package dev.mailferry.connector.office365.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes of unknown length kept in memory up to a threshold and in a temporary file beyond it, so that a large
 * attachment or message never sits whole in memory. {@link #close()} deletes the file.
 */
final class Spool extends OutputStream {

    private final int memoryLimit;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path file;
    private OutputStream fileOut;
    private long size;

    Spool(int memoryLimit) {
        this.memoryLimit = memoryLimit;
    }

    /** Copies {@code in} to a new spool. */
    static Spool of(InputStream in, int memoryLimit) throws IOException {
        Spool spool = new Spool(memoryLimit);
        try {
            in.transferTo(spool);
            spool.close();
            return spool;
        } catch (IOException | RuntimeException e) {
            spool.delete();
            throw e;
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] { (byte) b }, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (file == null && memory.size() + len > memoryLimit) {
            file = Files.createTempFile("mailferry-graph-", ".part");
            fileOut = Files.newOutputStream(file);
            memory.writeTo(fileOut);
            memory = null;
        }
        if (file != null) {
            fileOut.write(b, off, len);
        } else {
            memory.write(b, off, len);
        }
        size += len;
    }

    @Override
    public void close() throws IOException {
        if (fileOut != null) {
            fileOut.close();
            fileOut = null;
        }
    }

    long size() {
        return size;
    }

    /** The bytes so far, from the start; call after {@link #close()}. */
    InputStream open() throws IOException {
        return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(memory.toByteArray());
    }

    /** Only for spools small enough to be in memory anyway (callers check {@link #size()}). */
    byte[] bytes() throws IOException {
        try (InputStream in = open()) {
            return in.readAllBytes();
        }
    }

    /** The temporary file, or null when the bytes are in memory. */
    Path file() {
        return file;
    }

    void delete() {
        try {
            close();
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // a temp file left behind is removed with the temp directory; nothing else depends on it
        }
        memory = null;
    }
}
