package io.tessera.marketplace.server;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tessera.kernel.extensions.ExtensionPackage;
import io.tessera.kernel.extensions.PackageTrust;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.semver4j.Semver;

/**
 * The catalog API, {@code /kapis/package.kubesphere.io/v1alpha1} (docs/marketplace.md): search
 * and list extensions, one extension with its versions, categories, and a version's files. Read
 * only; any signed-in user may call it (the {@code authenticated} role). Installing goes through
 * InstallPlan objects, as KubeSphere's console does.
 */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public final class CatalogApi {

    /** The name under which {@link #files} serves a manifest's configSchema when the package has no schema file. */
    static final String CONFIG_SCHEMA_FILE = "config.schema.json";
    private static final List<String> FILE_ORDER = List.of("extension.yaml", "README.md", "README_zh.md", "CHANGELOG.md");

    private final KubernetesClient client;
    private final RepositoryPackages packages;
    private final PackageTrust trust;

    CatalogApi(KubernetesClient client, RepositoryPackages packages, PackageTrust trust) {
        this.client = client;
        this.packages = packages;
        this.trust = trust;
    }

    @GET
    @Path("extensions")
    public Response list(@QueryParam("q") String q, @QueryParam("category") String category, @QueryParam("installed") String installed,
            @QueryParam("page") String page, @QueryParam("limit") String limit) {
        int p;
        int l;
        try {
            p = page == null || page.isBlank() ? 1 : Integer.parseInt(page);
            l = limit == null || limit.isBlank() ? 10 : Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            return status(400, "BadRequest", "page and limit must be positive integers");
        }
        if (p < 1 || l < 1) {
            return status(400, "BadRequest", "page and limit must be positive integers");
        }
        if (installed != null && !installed.isBlank() && !installed.equals("true") && !installed.equals("false")) {
            return status(400, "BadRequest", "installed must be true or false");
        }
        try {
            Map<String, GenericKubernetesResource> plans = plans();
            String needle = q == null ? "" : q.trim().toLowerCase(Locale.ROOT);
            List<GenericKubernetesResource> matching = new ArrayList<>();
            for (GenericKubernetesResource e : client.genericKubernetesResources(CatalogTypes.EXTENSIONS).list().getItems()) {
                withPlan(e, plans.get(e.getMetadata().getName()));
                if (!needle.isEmpty() && !matches(e, needle)) {
                    continue;
                }
                if (category != null && !category.isBlank() && !category.equals(CatalogTypes.label(e, CatalogTypes.CATEGORY))) {
                    continue;
                }
                boolean isInstalled = CatalogTypes.map(e, "status").get("installedVersion") != null;
                if (installed != null && !installed.isBlank() && Boolean.parseBoolean(installed) != isInstalled) {
                    continue;
                }
                matching.add(e);
            }
            matching.sort(Comparator.comparing(e -> e.getMetadata().getName()));
            long from = Math.min((long) (p - 1) * l, matching.size());
            List<GenericKubernetesResource> items = matching.subList((int) from, (int) Math.min(from + l, matching.size()));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("items", items);
            out.put("totalItems", matching.size());
            return Response.ok(out).build();
        } catch (KubernetesClientException e) {
            return fromApi(e);
        }
    }

    @GET
    @Path("extensions/{name}")
    public Response get(@PathParam("name") String name) {
        try {
            GenericKubernetesResource ext = client.genericKubernetesResources(CatalogTypes.EXTENSIONS).withName(name).get();
            if (ext == null) {
                return status(404, "NotFound", "extensions.kubesphere.io \"" + name + "\" not found");
            }
            withPlan(ext, client.genericKubernetesResources(CatalogTypes.PLANS).withName(name).get());
            List<GenericKubernetesResource> versions = new ArrayList<>(client.genericKubernetesResources(CatalogTypes.VERSIONS)
                    .withLabel(CatalogTypes.EXTENSION_REF, name).list().getItems());
            versions.sort(Comparator.comparing((GenericKubernetesResource v) -> semver(v)).reversed());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("extension", ext);
            out.put("versions", versions);
            return Response.ok(out).build();
        } catch (KubernetesClientException e) {
            return fromApi(e);
        }
    }

    @GET
    @Path("categories")
    public Response categories() {
        try {
            List<GenericKubernetesResource> items = new ArrayList<>(client.genericKubernetesResources(CatalogTypes.CATEGORIES).list().getItems());
            items.sort(Comparator.comparing(c -> c.getMetadata().getName()));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("items", items);
            out.put("totalItems", items.size());
            return Response.ok(out).build();
        } catch (KubernetesClientException e) {
            return fromApi(e);
        }
    }

    /** KubeSphere's shape: {@code [{"name": "README.md", "data": "<base64>"}, …]}. */
    @GET
    @Path("extensionversions/{name}/files")
    public Response files(@PathParam("name") String name) {
        GenericKubernetesResource ev;
        try {
            ev = client.genericKubernetesResources(CatalogTypes.VERSIONS).withName(name).get();
        } catch (KubernetesClientException e) {
            return fromApi(e);
        }
        if (ev == null) {
            return status(404, "NotFound", "extensionversions.kubesphere.io \"" + name + "\" not found");
        }
        String ext = CatalogTypes.label(ev, CatalogTypes.EXTENSION_REF);
        Object version = CatalogTypes.map(ev, "spec").get("version");
        try {
            ExtensionPackage pkg = packages.fetch(ext, String.valueOf(version));
            if (pkg == null) {
                return status(404, "NotFound", "no repository provides the package of " + name);
            }
            trust.check(pkg);
            List<Map<String, String>> out = new ArrayList<>();
            try (ZipFile zip = new ZipFile(pkg.file().toFile())) {
                List<ZipEntry> entries = new ArrayList<>();
                zip.stream().filter(e -> !e.isDirectory() && shown(e.getName())).forEach(entries::add);
                entries.sort(Comparator.comparing((ZipEntry e) -> FILE_ORDER.contains(e.getName()) ? FILE_ORDER.indexOf(e.getName()) : 99)
                        .thenComparing(ZipEntry::getName));
                for (ZipEntry e : entries) {
                    try (InputStream in = zip.getInputStream(e)) {
                        out.add(Map.of("name", e.getName(), "data", Base64.getEncoder().encodeToString(in.readAllBytes())));
                    }
                }
                if (entries.stream().noneMatch(e -> e.getName().endsWith(".schema.json"))) {
                    // the manifest's configSchema as JSON, so a console needs no YAML parser of its own
                    configSchema(zip).ifPresent(schema -> out.add(Map.of("name", CONFIG_SCHEMA_FILE,
                            "data", Base64.getEncoder().encodeToString(schema))));
                }
            }
            return Response.ok(out).build();
        } catch (PackageTrust.Refused e) {
            return status(409, "Conflict", e.getMessage());
        } catch (IOException e) {
            return status(503, "ServiceUnavailable", "cannot fetch " + name + " from its repository: " + e.getMessage());
        } catch (KubernetesClientException e) {
            return fromApi(e);
        }
    }

    /** The JSON form of extension.yaml's {@code configSchema}, if it declares one. */
    private static java.util.Optional<byte[]> configSchema(ZipFile zip) throws IOException {
        ZipEntry manifest = zip.getEntry("extension.yaml");
        if (manifest == null) {
            return java.util.Optional.empty();
        }
        try (InputStream in = zip.getInputStream(manifest)) {
            Object schema = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(in, Map.class).get("configSchema");
            return schema instanceof Map<?, ?> m
                    ? java.util.Optional.of(io.fabric8.kubernetes.client.utils.Serialization.asJson(m).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    : java.util.Optional.empty();
        }
    }

    /** The files a detail page shows: the manifest, readmes, changelog and a configuration schema. */
    private static boolean shown(String entry) {
        return !entry.contains("/") && (FILE_ORDER.contains(entry) || entry.matches("README(_[A-Za-z-]+)?\\.md")
                || entry.matches("CHANGELOG(_[A-Za-z-]+)?\\.md") || entry.endsWith(".schema.json"));
    }

    private Map<String, GenericKubernetesResource> plans() {
        Map<String, GenericKubernetesResource> out = new HashMap<>();
        for (GenericKubernetesResource p : client.genericKubernetesResources(CatalogTypes.PLANS).list().getItems()) {
            out.put(p.getMetadata().getName(), p);
        }
        return out;
    }

    /** The extension's status as its InstallPlan makes it now (the stored one may lag by a moment). */
    private static void withPlan(GenericKubernetesResource ext, GenericKubernetesResource plan) {
        ext.setAdditionalProperty("status", ExtensionStatusMirror.mirrored(CatalogTypes.map(ext, "status"), plan));
    }

    private static boolean matches(GenericKubernetesResource e, String needle) {
        Map<String, Object> spec = CatalogTypes.map(e, "spec");
        StringBuilder hay = new StringBuilder(e.getMetadata().getName()).append('\n');
        for (String field : List.of("displayName", "description")) {
            if (spec.get(field) instanceof Map<?, ?> m) {
                m.values().forEach(v -> hay.append(v).append('\n'));
            } else if (spec.get(field) != null) {
                hay.append(spec.get(field)).append('\n');
            }
        }
        if (spec.get("keywords") instanceof List<?> k) {
            k.forEach(v -> hay.append(v).append('\n'));
        }
        return hay.toString().toLowerCase(Locale.ROOT).contains(needle);
    }

    private static Semver semver(GenericKubernetesResource v) {
        Semver s = Semver.parse(String.valueOf(CatalogTypes.map(v, "spec").get("version")));
        return s == null ? Semver.ZERO : s;
    }

    static Response status(int code, String reason, String message) {
        return Response.status(code).type(MediaType.APPLICATION_JSON).entity(new StatusBuilder().withApiVersion("v1").withKind("Status")
                .withStatus("Failure").withCode(code).withReason(reason).withMessage(message).build()).build();
    }

    private static Response fromApi(KubernetesClientException e) {
        int code = e.getCode() > 0 ? e.getCode() : 500;
        String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : "request failed";
        return status(code, e.getStatus() != null && e.getStatus().getReason() != null ? e.getStatus().getReason() : "InternalError", message);
    }
}
