package io.tessera.marketplace.kernel;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tessera.kernel.extensions.ExtensionPackage;
import io.tessera.kernel.extensions.PackageTrust;
import io.tessera.kernel.spi.KernelContext;
import io.tessera.marketplace.index.IndexEntry;
import io.tessera.marketplace.index.RepositoryIndex;
import io.tessera.marketplace.trust.Keys;
import io.tessera.marketplace.trust.PackageRefusedException;
import io.tessera.marketplace.trust.TrustStore;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's package check when the marketplace is installed: a package is accepted only when
 * an index.json in its directory (or a parent, up to three levels) lists it with the SHA-256 of
 * its bytes and a signature by a trusted key. Trusted keys come from files (the paths in
 * {@code TESSERA_MARKETPLACE_TRUSTED_KEYS} / {@code -Dtessera.marketplace.trustedKeys}, else the
 * distribution's {@code conf/trusted-keys/}; plus the directory {@code extensions.trustedKeysDir},
 * which the Helm chart mounts) and from the Secret {@value #SECRET} in
 * {@code kubesphere-system} (one PEM public key per data key). Both are read at every check, so
 * adding or dropping a key (rotation) takes effect without a restart.
 */
public final class SignatureTrust implements PackageTrust {

    public static final String SECRET = "tessera-trusted-keys";
    public static final String NAMESPACE = "kubesphere-system";
    public static final String KEYS_PROPERTY = "tessera.marketplace.trustedKeys";
    public static final String KEYS_ENV = "TESSERA_MARKETPLACE_TRUSTED_KEYS";
    private static final Logger LOG = LoggerFactory.getLogger(SignatureTrust.class);

    private final KubernetesClient client;
    private final List<Path> keyPaths;

    public SignatureTrust(KubernetesClient client, List<Path> keyPaths) {
        this.client = client;
        this.keyPaths = List.copyOf(keyPaths);
    }

    /** Registered in META-INF/services/io.tessera.kernel.extensions.PackageTrust$Factory. */
    public static final class Factory implements PackageTrust.Factory {
        @Override
        public PackageTrust create(KernelContext context) {
            List<Path> paths = new ArrayList<>(keyPaths(context.config().extensions().repositoryDir()));
            if (context.config().extensions().trustedKeysDir() != null) {
                paths.add(context.config().extensions().trustedKeysDir());
            }
            return new SignatureTrust(context.kubernetes(), paths);
        }
    }

    static List<Path> keyPaths(Path repositoryDir) {
        String configured = System.getProperty(KEYS_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(KEYS_ENV);
        }
        List<Path> out = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            for (String p : configured.split(File.pathSeparator)) {
                if (!p.isBlank()) {
                    out.add(Path.of(p.trim()));
                }
            }
        } else if (repositoryDir != null && repositoryDir.toAbsolutePath().getParent() != null) {
            out.add(repositoryDir.toAbsolutePath().getParent().resolve("conf").resolve("trusted-keys"));
        }
        return out;
    }

    /** The keys trusted right now: files first, then the Secret. */
    public TrustStore trustStore() {
        TrustStore store = new TrustStore();
        for (Path p : keyPaths) {
            if (!Files.exists(p)) {
                continue;
            }
            try {
                store.addPath(p);
            } catch (IOException e) {
                LOG.warn("event=marketplace.trustedkey.invalid path={} error=\"{}\"", p, e.getMessage());
            }
        }
        Secret secret;
        try {
            secret = client.secrets().inNamespace(NAMESPACE).withName(SECRET).get();
        } catch (KubernetesClientException e) {
            LOG.warn("event=marketplace.trustedkeys.unreadable secret={}/{} code={}", NAMESPACE, SECRET, e.getCode());
            secret = null;
        }
        Map<String, String> pems = new java.util.TreeMap<>();
        if (secret != null && secret.getData() != null) {
            secret.getData().forEach((k, v) -> pems.put(k, v));
        }
        // stringData too: a real API server folds it into data, the development cluster keeps it as written
        if (secret != null && secret.getStringData() != null) {
            secret.getStringData().forEach((k, v) -> pems.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.US_ASCII))));
        }
        {
            for (Map.Entry<String, String> d : pems.entrySet()) {
                try {
                    String pem = new String(Base64.getDecoder().decode(d.getValue()), StandardCharsets.US_ASCII);
                    store.add(Keys.parsePublic(pem, "Secret " + NAMESPACE + "/" + SECRET + " key " + d.getKey()));
                } catch (IOException | IllegalArgumentException e) {
                    LOG.warn("event=marketplace.trustedkey.invalid secret={}/{} key={} error=\"{}\"", NAMESPACE, SECRET, d.getKey(),
                            e.getMessage());
                }
            }
        }
        return store;
    }

    @Override
    public void check(ExtensionPackage pkg) throws Refused {
        String id = pkg.manifest().name() + "-" + pkg.manifest().version();
        Path file = pkg.file().toAbsolutePath().normalize();
        try {
            Located located = locate(file);
            if (located == null) {
                throw new Refused("package " + id + " refused: it is unsigned (no index.json beside " + file.getFileName()
                        + " lists it; run 'tessera repo index' and 'tessera repo sign')");
            }
            IndexEntry e = located.entry();
            if (!e.name().equals(pkg.manifest().name()) || !e.version().equals(pkg.manifest().version())) {
                throw new Refused("package " + id + " refused: the index lists " + file.getFileName() + " as " + e.id());
            }
            trustStore().verify(e.name(), e.version(), file, e.sha256(), e.keyId(), e.signature());
        } catch (PackageRefusedException x) {
            throw new Refused(x.getMessage());
        } catch (IOException x) {
            throw new Refused("package " + id + " refused: cannot check its signature: " + x.getMessage());
        }
    }

    private record Located(Path root, IndexEntry entry) {
    }

    private static Located locate(Path file) throws IOException {
        Path dir = file.getParent();
        for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
            Path idx = dir.resolve(RepositoryIndex.FILE);
            if (Files.isRegularFile(idx)) {
                for (IndexEntry e : RepositoryIndex.read(idx).entries()) {
                    if (dir.resolve(e.file()).toAbsolutePath().normalize().equals(file)) {
                        return new Located(dir, e);
                    }
                }
            }
        }
        return null;
    }
}
