package io.tessera.devcluster.store;

import java.nio.file.Path;

/** Acknowledged data cannot be read back: the cluster refuses to start rather than serve a silently different state. */
public final class CorruptStoreException extends RuntimeException {

    private final Path file;

    public CorruptStoreException(Path file, long offset, String what) {
        super("store file " + file + " is damaged at byte " + offset + ": " + what
                + "; restore the data directory from a backup or move it aside to start empty");
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
