package io.tessera.marketplace.archive;

import io.tessera.marketplace.index.IndexEntry;
import io.tessera.marketplace.index.RepositoryIndex;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The air-gapped form of a repository: one zip file ({@code .tsr}) holding index.json and every
 * package it lists at the same relative paths. {@code tessera repo export} writes it;
 * {@code tessera repo import} (or a Repository pointing at the file) unpacks it into a directory
 * repository. Signatures travel inside index.json, so an imported repository verifies exactly as
 * the original did and needs no network.
 */
public final class RepositoryArchive {

    public static final String SUFFIX = ".tsr";

    private RepositoryArchive() {
    }

    /** Writes {@code dir}'s index and packages to {@code target} (atomically: temp file + move). */
    public static void export(Path dir, Path target) throws IOException {
        RepositoryIndex idx = RepositoryIndex.read(dir.resolve(RepositoryIndex.FILE));
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(RepositoryIndex.FILE));
            zip.write(idx.toBytes());
            zip.closeEntry();
            for (IndexEntry e : idx.entries()) {
                Path f = dir.resolve(e.file());
                if (!Files.exists(f)) {
                    throw new IOException(e.id() + ": " + e.file() + " is listed in the index but missing from " + dir);
                }
                zip.putNextEntry(new ZipEntry(e.file()));
                Files.copy(f, zip);
                zip.closeEntry();
            }
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Unpacks an archive into {@code dir} (created; must be empty or absent). Unpacks into a
     * sibling temp directory first and renames, so a failed import leaves nothing half-written.
     * Only index.json and the files the index lists are accepted.
     */
    public static RepositoryIndex importTo(Path archive, Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new IOException(dir + " is not empty; import into a new directory");
                }
            }
            Files.delete(dir);
        }
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, dir.getFileName() + ".import-");
        try {
            Set<String> names = new HashSet<>();
            try (InputStream in = Files.newInputStream(archive); ZipInputStream zip = new ZipInputStream(in)) {
                for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                    String n = e.getName();
                    if (e.isDirectory()) {
                        continue;
                    }
                    Path out = tmp.resolve(n).normalize();
                    if (n.contains("..") || n.startsWith("/") || !out.startsWith(tmp)) {
                        throw new IOException(archive + ": entry " + n + " escapes the repository");
                    }
                    Files.createDirectories(out.getParent());
                    Files.copy(zip, out);
                    names.add(n);
                }
            }
            if (!names.contains(RepositoryIndex.FILE)) {
                throw new IOException(archive + " is not a repository archive: it has no " + RepositoryIndex.FILE);
            }
            RepositoryIndex idx = RepositoryIndex.read(tmp.resolve(RepositoryIndex.FILE));
            for (IndexEntry e : idx.entries()) {
                if (!names.contains(e.file())) {
                    throw new IOException(archive + ": " + e.id() + " is listed in the index but " + e.file() + " is missing");
                }
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            return idx;
        } catch (IOException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
