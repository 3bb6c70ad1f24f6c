package io.tessera.devcluster.store;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Durable form of the store: {@code snapshot.dat} (every object at one resourceVersion) plus
 * {@code log.dat} (an append-only log of later writes). Every record is framed as
 * {@code [int length][int crc32c][payload]}, so a record cut short by a crash is recognised.
 *
 * <p>A write is acknowledged only after {@link #sync} returned for its position: appends happen under
 * the store's lock, fsyncs outside it, and one fsync covers every record appended before it (group
 * commit), so concurrent writers share the cost of a flush without any of them being acknowledged early.
 */
public final class StoreLog implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StoreLog.class);

    public static final String LOG_FILE = "log.dat";
    public static final String SNAPSHOT_FILE = "snapshot.dat";
    static final byte OP_PUT = 1;
    static final byte OP_DELETE = 2;
    private static final int SNAPSHOT_MAGIC = 0x54534e50; // "TSNP"
    private static final int MAX_RECORD = 64 * 1024 * 1024;

    /** One logged change. {@code json} is null for a delete. */
    public record Record(byte op, long rv, String resource, String namespace, String name, byte[] json) {
    }

    /** A position in the log that a writer waits on before acknowledging. */
    public record Ticket(long epoch, long position) {
    }

    private final Path dir;
    private final Path logFile;
    private FileChannel log;
    private final Object syncMonitor = new Object();
    private volatile long written;
    private volatile long durable;
    private volatile long epoch;
    private long recordsSinceSnapshot;

    private StoreLog(Path dir) {
        this.dir = dir;
        this.logFile = dir.resolve(LOG_FILE);
    }

    /**
     * Replays the snapshot and the log into {@code sink}, drops a torn last record, and opens the log
     * for appending. Returns the highest resourceVersion seen (0 for a new store).
     *
     * @throws CorruptStoreException when acknowledged data cannot be read back
     */
    public static StoreLog open(Path dir, Consumer<Record> sink, long[] highestRv) throws IOException {
        Files.createDirectories(dir);
        StoreLog l = new StoreLog(dir);
        long snapshotRv = l.readSnapshot(sink);
        long rv = snapshotRv;
        long validEnd = 0;
        if (Files.exists(l.logFile)) {
            ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(l.logFile));
            while (all.remaining() > 0) {
                long start = all.position();
                Record r = l.readFramed(all, l.logFile, true);
                if (r == null) {
                    // A record cut short or garbled at the very end: its write never returned, so it was never acknowledged.
                    LOG.warn("event=store.torn-tail-dropped file={} offset={} bytes={}", l.logFile, start, all.limit() - start);
                    break;
                }
                validEnd = all.position();
                l.recordsSinceSnapshot++;
                if (r.rv() <= snapshotRv) {
                    continue; // already in the snapshot (a crash between snapshot rename and log reset)
                }
                rv = Math.max(rv, r.rv());
                sink.accept(r);
            }
        }
        l.log = FileChannel.open(l.logFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        if (l.log.size() > validEnd) {
            l.log.truncate(validEnd);
            l.log.force(true);
        }
        l.log.position(validEnd);
        l.written = validEnd;
        l.durable = validEnd;
        highestRv[0] = rv;
        return l;
    }

    private long readSnapshot(Consumer<Record> sink) throws IOException {
        Path file = dir.resolve(SNAPSHOT_FILE);
        if (!Files.exists(file)) {
            return 0;
        }
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file));
        if (all.remaining() < 16 || all.getInt() != SNAPSHOT_MAGIC) {
            throw new CorruptStoreException(file, 0, "not a Tessera snapshot (bad header)");
        }
        long rv = all.getLong();
        long count = all.getInt();
        for (long i = 0; i < count; i++) {
            long offset = all.position();
            Record r = readFramed(all, file, false);
            if (r == null) {
                throw new CorruptStoreException(file, offset, "snapshot ends early");
            }
            sink.accept(r);
        }
        return rv;
    }

    /** Reads one framed record; null for a torn tail (only when {@code tailMayTear}), else throws on damage. */
    private Record readFramed(ByteBuffer buf, Path file, boolean tailMayTear) {
        long offset = buf.position();
        if (buf.remaining() < 8) {
            if (tailMayTear) {
                return null;
            }
            throw new CorruptStoreException(file, offset, "record header cut short");
        }
        int length = buf.getInt();
        int crc = buf.getInt();
        if (length < 0 || length > MAX_RECORD || length > buf.remaining()) {
            // A length pointing past the end is what a write interrupted mid-record leaves behind — unless
            // a whole record follows, which means this length field was damaged in acknowledged data.
            if (tailMayTear && !wholeRecordAfter(buf, (int) offset + 1)) {
                return null;
            }
            throw new CorruptStoreException(file, offset, "record length " + length + " is impossible");
        }
        byte[] payload = new byte[length];
        buf.get(payload);
        CRC32C c = new CRC32C();
        c.update(payload);
        if ((int) c.getValue() != crc) {
            if (tailMayTear && buf.remaining() == 0) {
                return null; // the last record of the log, garbled by a crash during its write
            }
            throw new CorruptStoreException(file, offset, "checksum mismatch in an acknowledged record");
        }
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
            byte op = in.readByte();
            long rv = in.readLong();
            String resource = in.readUTF();
            String namespace = in.readUTF();
            String name = in.readUTF();
            byte[] json = null;
            if (op == OP_PUT) {
                json = new byte[in.readInt()];
                in.readFully(json);
            } else if (op != OP_DELETE) {
                throw new CorruptStoreException(file, offset, "unknown record type " + op);
            }
            return new Record(op, rv, resource, namespace, name, json);
        } catch (IOException e) {
            throw new CorruptStoreException(file, offset, "record payload unreadable: " + e.getMessage());
        }
    }

    /** Whether a complete, checksummed record starts anywhere at or after {@code from}. */
    private static boolean wholeRecordAfter(ByteBuffer buf, int from) {
        int limit = buf.limit();
        for (int at = from; at + 8 + 9 <= limit; at++) {
            int length = buf.getInt(at);
            if (length < 9 || length > limit - at - 8) {
                continue;
            }
            byte op = buf.get(at + 8);
            long rv = buf.getLong(at + 9);
            if ((op != OP_PUT && op != OP_DELETE) || rv <= 0 || rv > (1L << 48)) {
                continue; // cheap filters before the checksum
            }
            CRC32C c = new CRC32C();
            ByteBuffer payload = buf.duplicate();
            payload.limit(at + 8 + length).position(at + 8);
            c.update(payload);
            if ((int) c.getValue() == buf.getInt(at + 4)) {
                return true;
            }
        }
        return false;
    }

    static byte[] frame(Record r) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (r.json() == null ? 0 : r.json().length));
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(0);
            out.writeInt(0);
            out.writeByte(r.op());
            out.writeLong(r.rv());
            out.writeUTF(r.resource());
            out.writeUTF(r.namespace());
            out.writeUTF(r.name());
            if (r.op() == OP_PUT) {
                out.writeInt(r.json().length);
                out.write(r.json());
            }
            byte[] framed = bytes.toByteArray();
            CRC32C c = new CRC32C();
            c.update(framed, 8, framed.length - 8);
            ByteBuffer.wrap(framed).putInt(framed.length - 8).putInt((int) c.getValue());
            return framed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends a record; called under the store's write lock so log order is resourceVersion order. */
    public Ticket append(Record r) {
        ByteBuffer buf = ByteBuffer.wrap(frame(r));
        try {
            while (buf.hasRemaining()) {
                log.write(buf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + logFile, e);
        }
        written += buf.limit();
        recordsSinceSnapshot++;
        return new Ticket(epoch, written);
    }

    /** Returns once everything up to {@code ticket} is on disk. */
    public void sync(Ticket ticket) {
        synchronized (syncMonitor) {
            if (ticket.epoch() != epoch || durable >= ticket.position()) {
                return; // a compaction (which fsynced a snapshot) or another writer's flush already covered it
            }
            long target = written;
            try {
                log.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot fsync " + logFile, e);
            }
            durable = target;
        }
    }

    public long recordsSinceSnapshot() {
        return recordsSinceSnapshot;
    }

    public long logBytes() {
        return written;
    }

    /**
     * Writes every object to a new snapshot at {@code rv} and empties the log. Called under the store's
     * write lock. Crash-safe: the snapshot is complete before it replaces the old one, and log records
     * at or below its resourceVersion are skipped on replay.
     */
    public void compact(long rv, int count, Iterator<Record> objects) throws IOException {
        synchronized (syncMonitor) {
            Path tmp = dir.resolve(SNAPSHOT_FILE + ".tmp");
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer header = ByteBuffer.allocate(16).putInt(SNAPSHOT_MAGIC).putLong(rv).putInt(count);
                header.flip();
                out.write(header);
                ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
                int written = 0;
                while (objects.hasNext()) {
                    byte[] framed = frame(objects.next());
                    written++;
                    if (framed.length > chunk.remaining()) {
                        chunk.flip();
                        while (chunk.hasRemaining()) {
                            out.write(chunk);
                        }
                        chunk.clear();
                    }
                    if (framed.length > chunk.capacity()) {
                        out.write(ByteBuffer.wrap(framed));
                    } else {
                        chunk.put(framed);
                    }
                }
                chunk.flip();
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                if (written != count) {
                    throw new IllegalStateException("snapshot expected " + count + " objects, got " + written);
                }
                out.force(true);
            }
            move(tmp, dir.resolve(SNAPSHOT_FILE));
            fsyncDir(dir);
            log.truncate(0);
            log.position(0);
            log.force(true);
            epoch++;
            this.written = 0;
            durable = 0;
            recordsSinceSnapshot = 0;
        }
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void fsyncDir(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // Some file systems cannot open a directory for fsync; the rename is still atomic there.
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (syncMonitor) {
            if (log != null && log.isOpen()) {
                log.force(true);
                log.close();
            }
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
