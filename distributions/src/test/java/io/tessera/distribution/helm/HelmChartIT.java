package io.tessera.distribution.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.tessera.kernel.config.ConfigLoader;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.http.tls.DevelopmentCertificate;
import io.tessera.kernel.http.tls.ServingKeys;
import io.tessera.kernel.spi.KernelModule;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart as docs/deploy.md installs it, rendered and linted by a real Helm: every object
 * parses into its fabric8 type, the kernel's configuration loads through the kernel's own loader,
 * the CRDs are exactly the kernel's, and the HA/Ingress/LDAP values do what they say.
 */
class HelmChartIT {

    static final Path CHART = Path.of(System.getProperty("tessera.chart"));
    static final String NS = "kubesphere-system";

    static List<DocumentedHelmCommands.Command> commands;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readDocs() throws Exception {
        commands = DocumentedHelmCommands.read(RenderedChart.REPOSITORY.resolve("docs/deploy.md")).commands();
        // the default install and the HA + Ingress + LDAP install
        assertThat(commands).hasSizeGreaterThanOrEqualTo(2);
        for (DocumentedHelmCommands.Command c : commands) {
            assertThat(RenderedChart.REPOSITORY.resolve(c.chart())).as(c.line()).isEqualTo(CHART);
            assertThat(c.namespace()).as(c.line()).isEqualTo(NS);
        }
    }

    static DocumentedHelmCommands.Command defaultInstall() {
        return defaultInstallCommand();
    }

    static DocumentedHelmCommands.Command defaultInstallCommand() {
        if (commands == null) {
            try {
                readDocs();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return commands.stream().filter(c -> c.valuesFiles().isEmpty()).findFirst().orElseThrow();
    }

    static DocumentedHelmCommands.Command haInstall() {
        return commands.stream().filter(c -> c.valuesFiles().contains("distributions/helm/examples/ha-ingress-ldap.yaml"))
                .findFirst().orElseThrow();
    }

    @Test
    void helmLintPassesStrict() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void everyDocumentedCommandRendersObjectsOfKnownTypes() {
        for (DocumentedHelmCommands.Command c : commands) {
            RenderedChart chart = RenderedChart.render(c, CHART);
            assertThat(chart.objects()).as(c.line()).isNotEmpty();
            for (HasMetadata o : chart.objects()) {
                if (!(o instanceof CustomResourceDefinition) && !(o instanceof ClusterRole) && !(o instanceof ClusterRoleBinding)) {
                    assertThat(o.getMetadata().getNamespace()).as(o.getKind() + " " + o.getMetadata().getName()).isEqualTo(NS);
                }
            }
        }
    }

    @Test
    void anotherNamespaceIsRefusedWithTheReason() {
        DocumentedHelmCommands.Command c = defaultInstall();
        DocumentedHelmCommands.Command elsewhere = new DocumentedHelmCommands.Command(c.line(), c.release(), c.chart(), "tessera",
                c.valuesFiles(), c.sets());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RenderedChart.render(elsewhere, CHART))
                .hasMessageContaining("install Tessera into the namespace kubesphere-system");
    }

    @Test
    void defaultClusterRoleAllowsWhatEveryBuiltInExtensionDeclares() throws Exception {
        List<io.fabric8.kubernetes.api.model.rbac.PolicyRule> rules = RenderedChart.render(defaultInstall(), CHART)
                .all(ClusterRole.class).get(0).getRules();
        List<BuiltInExtensions.Declared> declared = BuiltInExtensions.declared();
        assertThat(declared).extracting(BuiltInExtensions.Declared::extension)
                .contains("monitoring", "alerting", "notification", "sample-hello");
        for (BuiltInExtensions.Declared d : declared) {
            assertThat(d.calls()).as(d.extension() + " declares permissions").isNotEmpty();
            assertThat(d.calls().stream().filter(c -> !RbacRules.allows(rules, c)).toList())
                    .as("what %s declares (its extension.yaml) that the chart's ClusterRole denies", d.extension()).isEmpty();
        }
    }

    @Test
    void defaultsGiveTwoDrainingNonRootReplicas() throws Exception {
        RenderedChart chart = RenderedChart.render(defaultInstall(), CHART);
        Deployment d = chart.all(Deployment.class).get(0);
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        var pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()).hasSize(1);
        Container kernel = pod.getContainers().get(0);
        assertThat(kernel.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(kernel.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(kernel.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(kernel.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
        assertThat(kernel.getResources().getRequests()).containsKeys("cpu", "memory");

        // every writable path is an emptyDir: the data dir and /tmp
        KernelConfig config = loadKernelConfig(chart, kernel);
        Map<String, Volume> volumes = new HashMap<>();
        pod.getVolumes().forEach(v -> volumes.put(v.getName(), v));
        Map<String, VolumeMount> mounts = new HashMap<>();
        kernel.getVolumeMounts().forEach(m -> mounts.put(m.getMountPath(), m));
        String dataDir = configValue(chart, "dataDir");
        assertThat(mounts).containsKeys(dataDir, "/tmp");
        for (String writable : List.of(dataDir, "/tmp")) {
            assertThat(volumes.get(mounts.get(writable).getName()).getEmptyDir()).as(writable).isNotNull();
        }

        // SIGTERM comes after preStop; the kernel then drains for shutdownGrace: the pod must get both
        long preStop = Long.parseLong(kernel.getLifecycle().getPreStop().getExec().getCommand().get(1));
        assertThat(kernel.getLifecycle().getPreStop().getExec().getCommand().get(0)).isEqualTo("sleep");
        assertThat(pod.getTerminationGracePeriodSeconds())
                .isGreaterThan(preStop + config.server().shutdownGrace().toSeconds());
        assertThat(config.server().shutdownGrace()).isEqualTo(Duration.ofSeconds(10));

        PodDisruptionBudget pdb = chart.all(PodDisruptionBudget.class).get(0);
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
        Service svc = chart.one(Service.class, "tessera");
        assertThat(svc.getSpec().getSelector()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
        assertThat(chart.all(Ingress.class)).isEmpty();

        ServiceAccount sa = chart.one(ServiceAccount.class, pod.getServiceAccountName());
        ClusterRoleBinding binding = chart.all(ClusterRoleBinding.class).get(0);
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(sa.getMetadata().getName());
            assertThat(s.getNamespace()).isEqualTo(NS);
        });
        assertThat(chart.one(ClusterRole.class, binding.getRoleRef().getName()).getRules()).isNotEmpty();
    }

    @Test
    void webhookServesHttpsWithACertificateForItsService() throws Exception {
        RenderedChart chart = RenderedChart.render(defaultInstall(), CHART);
        Deployment d = chart.all(Deployment.class).get(0);
        Container kernel = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        Service webhook = chart.one(Service.class, "tessera-webhook");
        assertThat(webhook.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(443);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("https");
        });
        int httpsPort = kernel.getPorts().stream().filter(p -> p.getName().equals("https")).findFirst().orElseThrow().getContainerPort();
        KernelConfig config = loadKernelConfig(chart, kernel);
        assertThat(config.server().https().port()).isEqualTo(httpsPort);
        assertThat(config.quotaWebhook().url()).hasToString("https://tessera-webhook.kubesphere-system.svc:443");

        Secret tls = chart.one(Secret.class, "tessera-webhook-tls");
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        X509Certificate cert = (X509Certificate) x509.generateCertificate(decoded(tls, "tls.crt"));
        X509Certificate ca = (X509Certificate) x509.generateCertificate(decoded(tls, "ca.crt"));
        cert.verify(ca.getPublicKey());
        List<Object> names = cert.getSubjectAlternativeNames().stream().map(san -> (Object) san.get(1)).toList();
        assertThat(names).contains("tessera-webhook.kubesphere-system.svc");
        // the CA file the kernel puts into the webhook registration is the mounted ca.crt of that Secret
        String caFile = configValue(chart, "caFile");
        VolumeMount mount = kernel.getVolumeMounts().stream().filter(m -> caFile.startsWith(m.getMountPath() + "/")).findFirst().orElseThrow();
        Volume volume = d.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
                .findFirst().orElseThrow();
        assertThat(volume.getSecret().getSecretName()).isEqualTo("tessera-webhook-tls");
        assertThat(caFile).endsWith("/ca.crt");

        // the HTTPS listener reads the same Secret's PEM pair straight from that mount: no init container, no keystore
        assertServesTheMountedSecret(chart, "tessera-webhook-tls");
        // Helm's genSignedCert writes a PKCS#1 RSA key, as cert-manager does by default; the kernel reads the
        // rendered pair as the pod gets it and serves the rendered certificate
        String key = new String(decoded(tls, "tls.key").readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(key).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        Path mounted = Files.createDirectories(tmp.resolve("webhook-tls"));
        Files.write(mounted.resolve("tls.crt"), decoded(tls, "tls.crt").readAllBytes());
        Files.writeString(mounted.resolve("tls.key"), key);
        ServingKeys served = ServingKeys.load(KernelConfig.Https.pem(config.server().https().port(), mounted.resolve("tls.crt"),
                mounted.resolve("tls.key")));
        assertThat(served.keyStore().getCertificateChain(served.keyStore().aliases().nextElement())).startsWith(cert);
    }

    @Test
    void webhookWithAUserSecretServesThatSecretsPemPair() throws Exception {
        DocumentedHelmCommands.Command c = defaultInstall();
        Map<String, String> sets = new HashMap<>(c.sets());
        sets.put("webhook.certificate.source", "secret");
        sets.put("webhook.certificate.secretName", "tessera-webhook-cert-manager");
        RenderedChart chart = RenderedChart.render(new DocumentedHelmCommands.Command(c.line(), c.release(), c.chart(), c.namespace(),
                c.valuesFiles(), sets), CHART);
        // the chart makes no certificate of its own then
        assertThat(chart.all(Secret.class)).noneSatisfy(s -> assertThat(s.getType()).isEqualTo("kubernetes.io/tls"));
        assertServesTheMountedSecret(chart, "tessera-webhook-cert-manager");
    }

    /**
     * The kernel container serves HTTPS from tls.crt and tls.key of the Secret {@code secretName}, mounted
     * into it; no init container prepares anything and no keystore (or its password) exists; the config
     * with PEM stand-ins at those paths loads and its serving keys open.
     */
    private void assertServesTheMountedSecret(RenderedChart chart, String secretName) throws Exception {
        var pod = chart.all(Deployment.class).get(0).getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).isEmpty();
        Container kernel = pod.getContainers().get(0);
        assertThat(kernel.getEnv()).extracting(EnvVar::getName).noneSatisfy(n -> assertThat(n).containsIgnoringCase("keystore"));
        assertThat(chart.all(Secret.class)).extracting(s -> s.getMetadata().getName())
                .noneSatisfy(n -> assertThat(n).containsIgnoringCase("keystore"));
        assertThat(configValue(chart, "keystore")).isNull();
        for (String[] file : List.of(new String[] {"certificate", "tls.crt"}, new String[] {"key", "tls.key"})) {
            String path = configValue(chart, file[0]);
            assertThat(path).as(file[0]).endsWith("/" + file[1]);
            VolumeMount mount = kernel.getVolumeMounts().stream().filter(m -> path.equals(m.getMountPath() + "/" + file[1]))
                    .findFirst().orElseThrow(() -> new AssertionError(path + " is not in a mounted volume of the kernel"));
            Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
            assertThat(volume.getSecret()).as(path).isNotNull();
            assertThat(volume.getSecret().getSecretName()).as(path).isEqualTo(secretName);
        }
        // every volume the pod declares is mounted by the kernel (no leftover scratch volume)
        assertThat(kernel.getVolumeMounts()).extracting(VolumeMount::getName)
                .containsExactlyInAnyOrderElementsOf(pod.getVolumes().stream().map(Volume::getName).toList());
        KernelConfig config = loadKernelConfig(chart, kernel);
        assertThat(config.server().https().keystore()).isNull();
        ServingKeys keys = ServingKeys.load(config.server().https());
        assertThat(keys.keyStore().size()).isEqualTo(1);
    }

    @Test
    void haIngressLdapValues() throws Exception {
        RenderedChart chart = RenderedChart.render(haInstall(), CHART);
        Deployment d = chart.all(Deployment.class).get(0);
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        var pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()).singleElement()
                .satisfies(t -> assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
        assertThat(chart.all(PodDisruptionBudget.class).get(0).getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
        Container kernel = pod.getContainers().get(0);
        assertThat(kernel.getImage()).startsWith("registry.example.com/tessera/tessera:");
        KernelConfig config = loadKernelConfig(chart, kernel);
        assertThat(config.server().shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.iam().accessTokenMaxAge()).isEqualTo(Duration.ofHours(8));
        assertThat(config.iam().adminPassword()).isEqualTo("Change-Me-1st");
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(10 + 30);

        Ingress ingress = chart.all(Ingress.class).get(0);
        assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
        assertThat(ingress.getSpec().getRules()).singleElement().satisfies(r -> {
            assertThat(r.getHost()).isEqualTo("tessera.example.com");
            assertThat(r.getHttp().getPaths().get(0).getBackend().getService().getName()).isEqualTo("tessera");
        });
        assertThat(ingress.getSpec().getTls().get(0).getSecretName()).isEqualTo("tessera-tls");

        Secret idp = chart.one(Secret.class, "identityprovider-ldap");
        assertThat(idp.getType()).isEqualTo("config.kubesphere.io/identityprovider");
        assertThat(idp.getMetadata().getLabels()).containsEntry("config.kubesphere.io/type", "identityprovider");
        Map<?, ?> idpConfig = new KubernetesSerialization().unmarshal(decoded(idp, "configuration.yaml"), Map.class);
        assertThat(idpConfig.get("name")).isEqualTo("ldap");
        assertThat(idpConfig.get("type")).isEqualTo("LDAPIdentityProvider");
        assertThat(idpConfig.get("mappingMethod")).isEqualTo("auto");
        @SuppressWarnings("unchecked")
        Map<String, Object> provider = (Map<String, Object>) idpConfig.get("provider");
        assertThat(provider).containsEntry("host", "ldap.example.com:389")
                .containsEntry("userSearchFilter", "(objectClass=inetOrgPerson)").containsEntry("loginAttribute", "uid");

        Secret jwt = chart.one(Secret.class, "tessera-iam-jwt-secret");
        assertThat(new String(decoded(jwt, "jwtSecret").readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("0123456789abcdef0123456789abcdef-example");
        assertThat(jwt.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");

        ConfigMap keys = chart.one(ConfigMap.class, "tessera-trusted-keys");
        assertThat(keys.getData().get("tessera-release.pem")).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(kernel.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/tessera/trusted-keys"));
    }

    @Test
    void crdsAreExactlyTheKernelsAndStructural() throws Exception {
        // every CRD any kernel module applies at boot, read from the module's own class path resources
        Map<String, CustomResourceDefinition> kernels = new TreeMap<>();
        for (KernelModule module : ServiceLoader.load(KernelModule.class)) {
            for (String resource : module.crdResources()) {
                try (InputStream in = module.getClass().getClassLoader().getResourceAsStream(resource.replaceFirst("^/", ""))) {
                    assertThat(in).as(resource).isNotNull();
                    // a resource may hold several CRDs (YAML documents)
                    for (CustomResourceDefinition crd : RenderedChart.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                            .all(CustomResourceDefinition.class)) {
                        kernels.put(crd.getMetadata().getName(), crd);
                    }
                }
            }
        }
        assertThat(kernels).isNotEmpty();
        Map<String, CustomResourceDefinition> charted = new TreeMap<>();
        try (var files = Files.list(CHART.resolve("crds"))) {
            for (Path f : files.toList()) {
                for (CustomResourceDefinition crd : RenderedChart.parse(Files.readString(f)).all(CustomResourceDefinition.class)) {
                    assertThat(charted.put(crd.getMetadata().getName(), crd)).as("one definition of %s", crd.getMetadata().getName())
                            .isNull();
                }
            }
        }
        assertThat(charted.keySet()).containsExactlyElementsOf(kernels.keySet());
        charted.forEach((name, crd) -> assertThat(crd).as(name).isEqualTo(kernels.get(name)));

        // Helm installs crds/ before the templates on the first install (template leaves them out); each is structural
        for (CustomResourceDefinition crd : charted.values()) {
            for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
                assertThat(v.getSchema().getOpenAPIV3Schema().getType()).as(crd.getMetadata().getName() + " " + v.getName())
                        .isEqualTo("object");
            }
        }
    }

    /** The rendered conf/tessera.yaml plus the container's environment, loaded by the kernel's own ConfigLoader. */
    private KernelConfig loadKernelConfig(RenderedChart chart, Container kernel) throws Exception {
        Path conf = tmp.resolve("conf-" + System.nanoTime() + ".yaml");
        Files.writeString(conf, chart.all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().endsWith("-config"))
                .findFirst().orElseThrow().getData().get("tessera.yaml"));
        Map<String, String> env = new HashMap<>();
        for (EnvVar e : kernel.getEnv()) {
            if (e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            } else {
                var ref = e.getValueFrom().getSecretKeyRef();
                env.put(e.getName(), new String(decoded(chart.one(Secret.class, ref.getName()), ref.getKey()).readAllBytes(),
                        StandardCharsets.UTF_8));
            }
        }
        // paths that exist only in the pod (the data dir and the mounted webhook Secret) point at local
        // stand-ins; the file's own values are still checked (unknown keys, syntax)
        env.put("TESSERA_DATA_DIR", Files.createDirectories(tmp.resolve("data")).toString());
        if (configValue(chart, "certificate") != null) {
            KernelConfig.Https pem = DevelopmentCertificate.ensure(tmp.resolve("stand-in"), "127.0.0.1", 0);
            env.put("TESSERA_SERVER_HTTPS_CERTIFICATE", pem.certificate().toString());
            env.put("TESSERA_SERVER_HTTPS_KEY", pem.key().toString());
        }
        if (configValue(chart, "caFile") != null) {
            env.put("TESSERA_QUOTA_WEBHOOK_CA_FILE", Files.writeString(tmp.resolve("webhook-ca.crt"), "stand-in").toString());
        }
        return new ConfigLoader(tmp.resolve("unused")).file(conf, true).environment(env).load();
    }

    /** A scalar from the rendered conf/tessera.yaml, by its last key segment. */
    private static String configValue(RenderedChart chart, String leaf) {
        String yaml = chart.all(ConfigMap.class).stream().filter(c -> c.getMetadata().getName().endsWith("-config"))
                .findFirst().orElseThrow().getData().get("tessera.yaml");
        return yaml.lines().map(String::strip).filter(l -> l.startsWith(leaf + ":"))
                .map(l -> l.substring(leaf.length() + 1).strip()).findFirst().orElse(null);
    }

    private static InputStream decoded(Secret s, String key) {
        assertThat(s.getData()).as(s.getMetadata().getName()).containsKey(key);
        return new ByteArrayInputStream(Base64.getDecoder().decode(s.getData().get(key)));
    }
}
