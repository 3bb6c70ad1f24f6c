package io.tessera.devcluster.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code <data-dir>/store/FORMAT} file: the layout version of the files beside it. A newer layout is
 * refused (an older build must not guess at it); an older one is upgraded step by step by the migrations
 * registered here before anything is read.
 */
public final class DataDirFormat {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DataDirFormat.class);

    public static final int CURRENT = 1;
    public static final String FILE = "FORMAT";

    /** One upgrade step: rewrites the store directory from version {@code from} to {@code from + 1}. */
    @FunctionalInterface
    public interface Migration {
        void migrate(Path storeDir) throws IOException;
    }

    /**
     * Upgrade steps by source version. Version 0 is a store directory written before the FORMAT file
     * existed: same record layout, so the step only records the version.
     */
    private static final Map<Integer, Migration> MIGRATIONS = Map.of(0, dir -> { });

    private DataDirFormat() {
    }

    /** Checks (and for a new or older store, writes) the format version. */
    public static void prepare(Path storeDir) throws IOException {
        Files.createDirectories(storeDir);
        Path file = storeDir.resolve(FILE);
        int version;
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            try {
                version = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("store format file " + file + " is unreadable (\"" + text
                        + "\"); it should hold one number");
            }
        } else {
            boolean hasData = Files.exists(storeDir.resolve(StoreLog.LOG_FILE)) || Files.exists(storeDir.resolve(StoreLog.SNAPSHOT_FILE));
            version = hasData ? 0 : CURRENT;
        }
        if (version > CURRENT) {
            throw new IllegalStateException("data directory " + storeDir.getParent() + " was written by a newer Tessera (store format "
                    + version + "; this build reads formats up to " + CURRENT + "); run that newer version or use another --data-dir");
        }
        while (version < CURRENT) {
            Migration m = MIGRATIONS.get(version);
            if (m == null) {
                throw new IllegalStateException("store format " + version + " in " + storeDir + " has no upgrade path to " + CURRENT);
            }
            m.migrate(storeDir);
            version++;
            write(file, version);
            LOG.info("event=store.migrated dir={} format={}", storeDir, version);
        }
        if (!Files.exists(file)) {
            write(file, CURRENT);
        }
    }

    private static void write(Path file, int version) throws IOException {
        Path tmp = file.resolveSibling(FILE + ".tmp");
        Files.writeString(tmp, version + "\n", StandardCharsets.UTF_8);
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        StoreLog.move(tmp, file);
        StoreLog.fsyncDir(file.getParent());
    }
}
