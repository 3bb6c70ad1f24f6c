package io.tessera.marketplace.server;

import io.tessera.marketplace.archive.RepositoryArchive;
import io.tessera.marketplace.index.IndexEntry;
import io.tessera.marketplace.index.RepositoryIndex;
import io.tessera.marketplace.tls.TrustContexts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.net.ssl.SSLContext;

/**
 * Where a Repository's index and packages are read from: a directory ({@code file:///dir}), an
 * exported repository file ({@code file:///…/export.tsr}, read in place) or an HTTP(S) URL
 * ({@code <url>/index.json} and the files the index names, relative to the URL).
 */
interface RepositorySource {

    RepositoryIndex index() throws IOException;

    /** Copies the package an entry names to {@code target}. */
    void download(IndexEntry entry, Path target) throws IOException;

    static RepositorySource of(RepositorySpec spec) throws IOException {
        if (spec.url() == null || spec.url().isBlank()) {
            throw new IOException("spec.url is required");
        }
        URI uri;
        try {
            uri = URI.create(spec.url().trim());
        } catch (IllegalArgumentException e) {
            throw new IOException("spec.url is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        switch (scheme) {
            case "file" -> {
                Path p = Path.of(uri);
                if (Files.isDirectory(p)) {
                    return new Directory(p);
                }
                if (p.getFileName().toString().endsWith(RepositoryArchive.SUFFIX) || Files.isRegularFile(p)) {
                    return new Archive(p);
                }
                throw new IOException(p + " does not exist");
            }
            case "http", "https" -> {
                return new Http(spec, uri);
            }
            default -> throw new IOException("spec.url must be file:///…, http://… or https://…, got " + spec.url());
        }
    }

    /** An indexed directory (what {@code tessera repo index} and {@code repo import} write). */
    record Directory(Path dir) implements RepositorySource {
        @Override
        public RepositoryIndex index() throws IOException {
            Path idx = dir.resolve(RepositoryIndex.FILE);
            if (!Files.isRegularFile(idx)) {
                throw new IOException(dir + " has no " + RepositoryIndex.FILE + " (run 'tessera repo index' and 'tessera repo sign')");
            }
            return RepositoryIndex.read(idx);
        }

        @Override
        public void download(IndexEntry entry, Path target) throws IOException {
            Path f = dir.resolve(entry.file()).normalize();
            if (!f.startsWith(dir.normalize()) || !Files.isRegularFile(f)) {
                throw new IOException(entry.file() + " is missing from " + dir);
            }
            Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A {@code tessera repo export} file, read in place (no unpacking). */
    record Archive(Path file) implements RepositorySource {
        @Override
        public RepositoryIndex index() throws IOException {
            try (ZipFile zip = open()) {
                ZipEntry e = zip.getEntry(RepositoryIndex.FILE);
                if (e == null) {
                    throw new IOException(file + " is not a repository archive: it has no " + RepositoryIndex.FILE);
                }
                try (InputStream in = zip.getInputStream(e)) {
                    return RepositoryIndex.parse(in, file + "!/" + RepositoryIndex.FILE);
                }
            }
        }

        @Override
        public void download(IndexEntry entry, Path target) throws IOException {
            try (ZipFile zip = open()) {
                ZipEntry e = zip.getEntry(entry.file());
                if (e == null) {
                    throw new IOException(entry.file() + " is missing from " + file);
                }
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }

        private ZipFile open() throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new IOException(file + " does not exist");
            }
            try {
                return new ZipFile(file.toFile());
            } catch (java.util.zip.ZipException e) {
                throw new IOException(file + " is not a repository archive: " + e.getMessage());
            }
        }
    }

    /** {@code <url>/index.json} over HTTP(S), with basic auth, a CA bundle or no verification (insecure). */
    final class Http implements RepositorySource {
        private final RepositorySpec spec;
        private final URI base;
        private final HttpClient client;

        Http(RepositorySpec spec, URI uri) throws IOException {
            this.spec = spec;
            this.base = uri.toString().endsWith("/") ? uri : URI.create(uri + "/");
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(spec.timeout()).followRedirects(HttpClient.Redirect.NORMAL);
            if ("https".equalsIgnoreCase(uri.getScheme()) && (spec.insecure() || spec.caBundle() != null)) {
                b.sslContext(sslContext(spec));
            }
            this.client = b.build();
        }

        @Override
        public RepositoryIndex index() throws IOException {
            byte[] body = get(base.resolve(RepositoryIndex.FILE));
            return RepositoryIndex.parse(new ByteArrayInputStream(body), base.resolve(RepositoryIndex.FILE).toString());
        }

        @Override
        public void download(IndexEntry entry, Path target) throws IOException {
            URI u = base.resolve(entry.file());
            HttpResponse<Path> r = send(u, HttpResponse.BodyHandlers.ofFile(target));
            if (r.statusCode() != 200) {
                Files.deleteIfExists(target);
                throw new IOException("GET " + u + " answered " + r.statusCode());
            }
        }

        private byte[] get(URI u) throws IOException {
            HttpResponse<byte[]> r = send(u, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IOException("GET " + u + " answered " + r.statusCode());
            }
            return r.body();
        }

        private <T> HttpResponse<T> send(URI u, HttpResponse.BodyHandler<T> handler) throws IOException {
            HttpRequest.Builder req = HttpRequest.newBuilder(u).timeout(spec.timeout()).GET();
            if (spec.username() != null && !spec.username().isEmpty()) {
                String token = spec.username() + ":" + (spec.password() == null ? "" : spec.password());
                req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
            }
            try {
                return client.send(req.build(), handler);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while fetching " + u);
            } catch (java.net.http.HttpTimeoutException e) {
                throw new IOException("GET " + u + " timed out after " + spec.timeout().toSeconds() + "s");
            } catch (IOException e) {
                throw new IOException("GET " + u + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }

        private static SSLContext sslContext(RepositorySpec spec) throws IOException {
            if (spec.insecure()) {
                return TrustContexts.trustingEverything();
            }
            String text = spec.caBundle().trim();
            try {
                byte[] pem = text.startsWith("-----BEGIN") ? text.getBytes(StandardCharsets.US_ASCII) : Base64.getMimeDecoder().decode(text);
                return TrustContexts.trusting(pem, "spec.caBundle");
            } catch (IllegalArgumentException e) {
                throw new IOException("spec.caBundle is not usable: " + e.getMessage());
            }
        }
    }
}
