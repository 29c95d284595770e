package dev.mailferry.engine.internal;

import dev.mailferry.core.model.FolderPath;
import dev.mailferry.engine.BatchOptions;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Text forms of folder paths and batch options in the database. */
public final class Codecs {

    /** Separates path segments in the database; a control character, so no folder name contains it. */
    private static final String SEGMENT_SEPARATOR = "\u001F";

    private Codecs() {
    }

    public static String encodePath(FolderPath path) {
        return String.join(SEGMENT_SEPARATOR, path.segments());
    }

    public static FolderPath decodePath(String text) {
        return text == null || text.isEmpty() ? FolderPath.ROOT : FolderPath.of(List.of(text.split(SEGMENT_SEPARATOR)));
    }

    /** Options as properties text, so the stored batch stays readable and can grow new keys. */
    public static String encodeOptions(BatchOptions options) {
        Properties p = new Properties();
        p.setProperty("maxMessageSize", Long.toString(options.maxMessageSize()));
        p.setProperty("maxItemsPerMailbox", Long.toString(options.maxItemsPerMailbox()));
        p.setProperty("maxParallelMailboxes", Integer.toString(options.maxParallelMailboxes()));
        p.setProperty("mirrorDeletions", Boolean.toString(options.mirrorDeletions()));
        for (int i = 0; i < options.excludedFolders().size(); i++) {
            p.setProperty("exclude." + i, encodePath(options.excludedFolders().get(i)));
        }
        int i = 0;
        for (Map.Entry<FolderPath, FolderPath> e : options.folderMapping().entrySet()) {
            p.setProperty("map." + i + ".source", encodePath(e.getKey()));
            p.setProperty("map." + i + ".target", encodePath(e.getValue()));
            i++;
        }
        StringWriter w = new StringWriter();
        try {
            p.store(w, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    public static BatchOptions decodeOptions(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<FolderPath> excluded = new ArrayList<>();
        for (int i = 0; p.containsKey("exclude." + i); i++) {
            excluded.add(decodePath(p.getProperty("exclude." + i)));
        }
        Map<FolderPath, FolderPath> mapping = new LinkedHashMap<>();
        for (int i = 0; p.containsKey("map." + i + ".source"); i++) {
            mapping.put(decodePath(p.getProperty("map." + i + ".source")), decodePath(p.getProperty("map." + i + ".target")));
        }
        return new BatchOptions(excluded, mapping, Long.parseLong(p.getProperty("maxMessageSize")),
                Long.parseLong(p.getProperty("maxItemsPerMailbox")), Integer.parseInt(p.getProperty("maxParallelMailboxes")),
                // batches stored before the option existed never deleted on the target
                Boolean.parseBoolean(p.getProperty("mirrorDeletions", "false")));
    }
}
